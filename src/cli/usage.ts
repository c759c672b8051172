/** What `npm run cli -- help` prints; kept in step with DESIGN §7. */
export const USAGE = `usage: npm run cli -- <command> [options]

commands:
  migrate
      apply pending database migrations to DATABASE_URL
  customer add --login-id ID --email ADDR --name NAME
      add a customer; the password is read from standard input (first line)
  customer unlock ID [--reason TEXT]
      unlock a locked account (clears its failure count); audited
  help
      show this text

exit status: 0 success, 1 failure (configuration, database), 2 bad input or usage
`;
