import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { LoginBodySchema, type LoginBody, type LoginResponse, type User } from '@tm/contracts';
import { AuthGuard, CurrentUser, SourceAddress } from './auth.guard';
import { AuthService } from './auth.service';
import { ZodPipe } from './zod-pipe';

@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** `{ username, password }` -> `{ token, expiresAt, user }`; 401 when wrong, 429 after 5 failures in 15 min. */
  @Post('login')
  @HttpCode(200)
  login(@Body(new ZodPipe(LoginBodySchema)) body: LoginBody, @SourceAddress() address: string): Promise<LoginResponse> {
    return this.auth.login(body, address);
  }

  /** The signed-in user, as the login answered it. */
  @Get('me')
  @UseGuards(AuthGuard)
  me(@CurrentUser() user: User): User {
    return user;
  }
}
