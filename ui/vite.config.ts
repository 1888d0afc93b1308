import { defineConfig } from "vitest/config";

// No @vitejs/plugin-react: esbuild compiles TSX with the automatic runtime
// (tsconfig "jsx": "react-jsx"). We lose Fast Refresh in `npm run dev`, which
// only costs a full reload on edit.
export default defineConfig({
  // Relative asset URLs: the Tauri shell serves dist/ from its own origin.
  base: "./",
  clearScreen: false,
  esbuild: { jsx: "automatic" },
  server: {
    port: 1420,
    strictPort: true,
  },
  preview: {
    port: 4173,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    rollupOptions: {
      onwarn(warning, warn) {
        // React Server Components' "use client" markers in @tanstack/react-query
        // mean nothing in a client-only bundle (@vitejs/plugin-react hides the
        // same notice); every other warning still prints.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE" && warning.message.includes('"use client"')) return;
        warn(warning);
      },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
