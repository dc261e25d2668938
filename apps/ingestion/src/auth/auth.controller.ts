import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ChangePasswordBodySchema, LoginBodySchema, type ChangePasswordBody, type LoginBody, type SessionResponse, type User } from '@tm/contracts';
import type { Config } from '../config';
import { CONFIG } from '../shared/tokens';
import { AllowsPasswordChangeToken, AnyRole, AuthGuard, CurrentSession, CurrentUser, SourceAddress } from './auth.guard';
import type { Session } from './auth.service';
import { AuthService } from './auth.service';
import { isKnownDevice, knownDeviceCookie } from './known-device';
import { ZodPipe } from './zod-pipe';

@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * `{ username, password }` -> `{ token, expiresAt, user }`; 401 when wrong; 429 with Retry-After
   * while a wait is owed after repeated failures (see LoginLimiter). A successful sign-in sets a
   * known-device cookie, so this browser is not held up by its address's spraying limit later.
   */
  @Post('login')
  @HttpCode(200)
  async login(
    @Body(new ZodPipe(LoginBodySchema)) body: LoginBody,
    @SourceAddress() address: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResponse> {
    const now = new Date();
    const knownDevice = isKnownDevice(request.headers.cookie, body.username, this.config.jwtSecret, now);
    const answer = await this.auth.login(body, address, { knownDevice }, now);
    response.append('Set-Cookie', knownDeviceCookie(body.username, this.config.jwtSecret, now, request.secure));
    response.setHeader('Cache-Control', 'no-store');
    return answer;
  }

  /** Ends the caller's session: the token answers 401 everywhere from now on (its /live socket is closed within 5 s). */
  @Post('logout')
  @HttpCode(204)
  @UseGuards(AuthGuard)
  @AnyRole()
  @AllowsPasswordChangeToken()
  logout(@CurrentSession() session: Session, @SourceAddress() address: string): Promise<void> {
    return this.auth.logout(session, address);
  }

  /**
   * The caller chooses a new password (at least 10 characters, not their user name); their other
   * tokens stop working. Answers `{ token, expiresAt, user }`: the token to go on with (after a
   * one-time password a new full one, else the caller's own).
   */
  @Post('password')
  @HttpCode(200)
  @UseGuards(AuthGuard)
  @AnyRole()
  @AllowsPasswordChangeToken()
  async changePassword(
    @Body(new ZodPipe(ChangePasswordBodySchema)) body: ChangePasswordBody,
    @CurrentSession() session: Session,
    @SourceAddress() address: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResponse> {
    response.setHeader('Cache-Control', 'no-store');
    return this.auth.changePassword(session, body, address);
  }

  /** The signed-in user, as the login answered it (patients too: their app asks who is signed in). */
  @Get('me')
  @UseGuards(AuthGuard)
  @AnyRole()
  @AllowsPasswordChangeToken()
  me(@CurrentUser() user: User): User {
    return user;
  }
}
