// ESLint flat config: typescript-eslint recommended + stylistic over the extension sources.
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
    { ignores: ['out/**', 'node_modules/**', 'media/**'] },
    eslint.configs.recommended,
    tseslint.configs.recommended,
    tseslint.configs.stylistic,
);
