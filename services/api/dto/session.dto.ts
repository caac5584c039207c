import { IsString, MaxLength, MinLength } from 'class-validator';

/** POST /api/session: the admin key, once; the browser keeps only the session cookie. */
export class SignInDto {
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  key: string;
}
