// linux.personality through personality(2). The spec defines two domains and
// no flags yet; anything else is refused with the config's checks before
// create starts (helper/spec/rules/attributes.ts).
import { check, libc } from '../libc';

const SYS_personality = 135;

export const PERSONALITY_DOMAINS: Record<string, number> = { LINUX: 0x0000, LINUX32: 0x0008 };

/** Sets the execution domain of the calling process (kept across execve). */
export function setPersonality(domain: string): void {
  const value = PERSONALITY_DOMAINS[domain];
  if (value === undefined) throw new Error(`unknown personality domain \`${domain}\``);
  check(libc().syscall(SYS_personality, 'ulong', value), 'personality', domain);
}
