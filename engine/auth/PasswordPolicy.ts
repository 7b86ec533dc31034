import bcrypt from "bcrypt";

export const PASSWORD_RULE = "at least 10 characters with a letter and a digit";

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | undefined {
  if (password.length < 10) return `Password must be ${PASSWORD_RULE}`;
  if (password.length > 128) return "Password must be at most 128 characters";
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return `Password must be ${PASSWORD_RULE}`;
  const local = email?.toLowerCase().split("@")[0] ?? "";
  if (local.length >= 4 && password.toLowerCase().includes(local)) return "Password must not contain your email name";
  return undefined;
}

export class PasswordHasher {
  // A fixed hash to compare against when the account does not exist, so login time does not reveal it.
  private dummy: Promise<string>;

  constructor(private readonly cost: number) {
    this.dummy = bcrypt.hash("not-a-real-password-0", cost);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const ok = await bcrypt.compare(password, hash ?? (await this.dummy));
    return ok && hash !== undefined;
  }
}
