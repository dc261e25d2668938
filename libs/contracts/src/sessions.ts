import { z } from 'zod';
import { LoginResponseSchema } from './rest';

/** ARCHITECTURE.md §11 "Sessions": sign-out, password change, one-time passwords. */

/** A password a person chooses: long enough to resist guessing, and (checked by the server) not their user name. */
export const PASSWORD_MIN_LENGTH = 10;
export const NewPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `a password has at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(256, 'a password has at most 256 characters');

/**
 * The sign-in answer. `mustChangePassword: true` after a one-time password (an administrator's
 * reset or a patient's new sign-in): the token then allows only POST /api/auth/password (and
 * logout and GET /api/auth/me); every other route answers 403 `password_change_required`.
 */
export const SessionResponseSchema = LoginResponseSchema.extend({ mustChangePassword: z.boolean().optional() });
export type SessionResponse = z.infer<typeof SessionResponseSchema>;

/** POST /api/auth/password: answers a SessionResponse whose token is the one to go on with. */
export const ChangePasswordBodySchema = z.object({
  currentPassword: z.string().min(1, 'type your current password').max(256),
  newPassword: NewPasswordSchema,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBodySchema>;

/** POST /api/admin/users/:id/reset-password: shown once; the user chooses a new password at the next sign-in. */
export const OneTimePasswordResponseSchema = z.object({ oneTimePassword: z.string() });
export type OneTimePasswordResponse = z.infer<typeof OneTimePasswordResponseSchema>;

/** POST /api/admin/patients/:id/sign-in: creates or replaces the patient's sign-in. */
export const PatientSignInBodySchema = z.object({
  username: z.string().trim().min(1, 'choose a user name').max(64).regex(/^[a-z0-9][a-z0-9._-]*$/, 'user names are lower-case letters, digits and . _ -'),
});
export type PatientSignInBody = z.infer<typeof PatientSignInBodySchema>;
export const PatientSignInResponseSchema = z.object({ username: z.string(), oneTimePassword: z.string() });
export type PatientSignInResponse = z.infer<typeof PatientSignInResponseSchema>;
