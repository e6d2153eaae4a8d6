// Lint runs in `npm test`. Recommended rules from eslint and typescript-eslint;
// the few relaxations below are deliberate and explained.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.vscode-test/', 'test-artifacts/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' },
    },
    rules: {
      // Unused arguments prefixed with _ document an interface we must match.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // koffi is a native addon loaded lazily so that verbs which never touch
      // the kernel (state, list) do not pay for it: require() is intended.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
