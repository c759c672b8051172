/**
 * The password hashes `customer import` takes from the old system as they are:
 * argon2id in its PHC string, or bcrypt. Either is verified at login by the
 * password hasher, and replaced with argon2id at today's parameters at the
 * customer's first login (PasswordHasher.needsRehash).
 *
 * The costs are bounded because every login pays them until that upgrade, on one
 * of the few hash slots: a mistaken bcrypt cost of 31 (days per login) or an
 * argon2 memory of 64 GiB would take a slot for good. The upper bounds are the
 * configuration's own (ARGON2_MEMORY_KIB, ARGON2_TIME_COST in config.ts) and
 * bcrypt's cost 14 (about a second per login, beyond any deployed default).
 * Weaker costs than ours are accepted: they protected these passwords already,
 * and the upgrade replaces them.
 */

// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>: base64 without padding; salt at least 8 bytes, hash at least 16.
const ARGON2ID_PHC = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,2}),p=(\d{1,2})\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{22,}$/;
// $2a$, $2b$ or $2y$, a two-digit cost, then 22 characters of salt and 31 of hash in bcrypt's base64.
const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;

const ARGON2_MAX_MEMORY_KIB = 4 * 1024 * 1024;
const ARGON2_MAX_TIME_COST = 20;
const ARGON2_MAX_PARALLELISM = 16;
const BCRYPT_MIN_COST = 4;
const BCRYPT_MAX_COST = 14;

/** Why `value` cannot be imported as a password hash, or null when it can. Never quotes the hash. */
export function importedHashProblem(value: string): string | null {
  const format = "password_hash must be an argon2id PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash) or a bcrypt hash ($2a$, $2b$, $2y$)";
  const argon2 = ARGON2ID_PHC.exec(value);
  if (argon2 !== null) {
    const [memory, time, parallelism] = [Number(argon2[1]), Number(argon2[2]), Number(argon2[3])];
    if (memory < 8 * parallelism || memory > ARGON2_MAX_MEMORY_KIB || time < 1 || time > ARGON2_MAX_TIME_COST || parallelism < 1 || parallelism > ARGON2_MAX_PARALLELISM) {
      return `${format}: argon2id parameters out of range (m ≤ ${ARGON2_MAX_MEMORY_KIB}, t 1-${ARGON2_MAX_TIME_COST}, p 1-${ARGON2_MAX_PARALLELISM})`;
    }
    return null;
  }
  const bcrypt = BCRYPT.exec(value);
  if (bcrypt !== null) {
    const cost = Number(bcrypt[1]);
    if (cost < BCRYPT_MIN_COST || cost > BCRYPT_MAX_COST) {
      return `${format}: bcrypt cost must be ${BCRYPT_MIN_COST}-${BCRYPT_MAX_COST}`;
    }
    return null;
  }
  return format;
}
