import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { LoginBodySchema, type LoginBody, type LoginResponse, type User } from '@tm/contracts';
import type { Config } from '../config';
import { CONFIG } from '../shared/tokens';
import { AnyRole, AuthGuard, CurrentUser, SourceAddress } from './auth.guard';
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
  ): Promise<LoginResponse> {
    const now = new Date();
    const knownDevice = isKnownDevice(request.headers.cookie, body.username, this.config.jwtSecret, now);
    const answer = await this.auth.login(body, address, { knownDevice }, now);
    response.append('Set-Cookie', knownDeviceCookie(body.username, this.config.jwtSecret, now, request.secure));
    response.setHeader('Cache-Control', 'no-store');
    return answer;
  }

  /** The signed-in user, as the login answered it (patients too: their app asks who is signed in). */
  @Get('me')
  @UseGuards(AuthGuard)
  @AnyRole()
  me(@CurrentUser() user: User): User {
    return user;
  }
}
