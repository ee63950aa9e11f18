// The emulator is product code now (it runs `npm run dev`); this path stays as the contract tests use.
export * from "../../../local/polar-emulator";
