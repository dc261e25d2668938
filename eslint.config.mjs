import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

// Nothing that does I/O may leak into the browser bundle or into the pure libraries.
const ioPackages = ['pg', 'mqtt', 'aedes', '@abandonware/noble', '@nestjs/*', 'socket.io', 'redis', '@electric-sql/*', 'pino', 'node:*', 'fs', 'net'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', '**/coverage/**', '.nx/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // An unhandled promise on an ingestion path is a lost reading.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: ['@tm/ingestion/src/testing'],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [], bannedExternalImports: ioPackages },
            { sourceTag: 'type:codec', onlyDependOnLibsWithTags: [], bannedExternalImports: ioPackages },
            { sourceTag: 'type:rules', onlyDependOnLibsWithTags: ['type:contracts'], bannedExternalImports: ioPackages.filter((p) => p !== 'rxjs') },
            { sourceTag: 'type:ble', onlyDependOnLibsWithTags: ['type:contracts', 'type:codec'] },
            { sourceTag: 'type:device', onlyDependOnLibsWithTags: ['type:contracts', 'type:codec', 'type:ble'] },
            { sourceTag: 'scope:edge', onlyDependOnLibsWithTags: ['scope:shared', 'scope:edge'] },
            { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['type:contracts', 'type:rules'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['type:contracts', 'type:rules'], bannedExternalImports: ioPackages },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.test.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
