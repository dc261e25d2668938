import { HttpStatus } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { PASSWORD_MIN_LENGTH } from '@tm/contracts';
import { DomainError } from '../shared/errors';

export class PasswordError extends DomainError {}

// No 0/o, 1/l/i: a one-time password is read off a screen or a letter and typed by a patient.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 3;
const GROUP_LENGTH = 4;

/**
 * A one-time password: 12 characters from 31 (about 59 bits) in groups of four, `abcd-efgh-jkmn`.
 * Enough for a password that works once, behind the sign-in delays, and short enough to type.
 */
export function oneTimePassword(): string {
  const groups = Array.from({ length: GROUPS }, () => Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''));
  return groups.join('-');
}

/** The rules a chosen password must meet beyond its length (the contract checks that): not the user name, not the old one. */
export function assertAcceptablePassword(username: string, newPassword: string, currentPassword?: string): void {
  const fold = (s: string) => s.normalize('NFKC').trim().toLowerCase();
  if (newPassword.length < PASSWORD_MIN_LENGTH) throw new PasswordError('weak_password', `newPassword: a password has at least ${PASSWORD_MIN_LENGTH} characters`, HttpStatus.BAD_REQUEST);
  const name = fold(username);
  // a short user name ("al") may well occur inside a good password; a longer one inside it is a guess away
  if (fold(newPassword) === name || (name.length >= 4 && fold(newPassword).includes(name))) throw new PasswordError('weak_password', 'newPassword: the password must not contain your user name; choose something else', HttpStatus.BAD_REQUEST);
  if (currentPassword !== undefined && newPassword === currentPassword) throw new PasswordError('weak_password', 'newPassword: choose a password different from the current one', HttpStatus.BAD_REQUEST);
}
