// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it return promises that the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Rooms that fit: a file a reader can hold...
    files: ['src/**/*.ts', 'src/**/*.tsx', 'bench/**/*.ts', 'test/**/*.ts'],
    ignores: ['src/store/*/migrations.ts'],
    rules: { 'max-lines': ['error', { max: 500 }] },
  },
  {
    // ...and a function a reader can follow. Tests are left out: a suite's describe() holds its cases.
    files: ['src/**/*.ts', 'src/**/*.tsx', 'bench/**/*.ts'],
    ignores: ['src/store/*/migrations.ts', '**/*.test.ts', '**/*.test.tsx', '**/*.contract.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 120 }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
