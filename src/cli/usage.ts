/** What `npm run cli -- help` prints; kept in step with DESIGN §7. */
export const USAGE = `usage: npm run cli -- <command> [options]

commands:
  migrate
      apply pending database migrations to DATABASE_URL (creating the database);
      the other commands refuse a database that is missing or not migrated
  customer add --login-id ID --email ADDR --name NAME --birth-date YYYY-MM-DD
      add a customer; the password is read from standard input (first line);
      the birth date is a real date from 1900-01-01 to today (Japan)
  customer import FILE.csv
      add the old system's customers, all or none: UTF-8 CSV (a BOM is fine),
      header login_id,email,name,birth_date and password_hash (argon2id or
      bcrypt, kept) or password (hashed now); every bad line is reported with
      its number and then nothing is written
  customer unlock ID [--reason TEXT]
      unlock a locked account (clears its failure count); audited; the ID is
      normalised as at login (full-width letters, surrounding spaces)
  customer set-trading-pin ID [--reason TEXT]
      set or replace a customer's trading PIN (取引暗証番号), read from standard
      input (first line): 4 to 8 digits (full-width digits are fine), not one
      digit repeated (1111) nor a straight run (1234, 9876); the PIN's failure
      count starts again and a PIN lock is lifted; audited with the OS user
  operator add --login-id ID --name NAME --role agent|supervisor
      add a call-center operator; the password is read from standard input
      (first line; the customers' password rules); prints the TOTP otpauth://
      URI once on standard output, for the operator's authenticator app
  operator disable ID [--reason TEXT]
      disable an operator account; audited with the OS user and the reason
  operator unlock ID [--reason TEXT]
      unlock an operator locked by wrong passwords or TOTP codes (clears the
      failure count); audited with the OS user and the reason
  audit verify
      check the audit log's hash chain: prints the row count and the chain
      head when intact; else the first broken link (seq, row ID, time) and
      exits 1 (a row deleted, edited or added with SQL)
  client add --client-id ID --name NAME --redirect-uri URI [--redirect-uri URI …]
             [--post-logout-redirect-uri URI …] [--backchannel-logout-uri URI] [--public]
      register an OpenID Connect relying party: ID of 3-64 characters a-z 0-9 . _ -;
      exact URIs, https (http only on localhost, 127.0.0.1, [::1]), no fragment, no
      user:password; prints its secret once as "client_secret: SECRET" (stored
      hashed); --public: no secret (the app, PKCE only)
  client list
      the relying parties: ID, name, public or confidential, URIs, creation time
  client remove --client-id ID
      remove a relying party; its connections end and their tokens stop working
  client rotate-secret --client-id ID
      a new secret, printed once as "client_secret: SECRET"; the old one stops
      working at once
  help
      show this text

exit status: 0 success, 1 failure (configuration, database), 2 bad input or usage;
the client commands exit 1 on bad input too (issue 20)
`;
