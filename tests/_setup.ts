import fc from "fast-check";

// One global configuration for every property: a fixed seed unless FC_SEED says otherwise,
// so a failure is reproducible from the printed seed.
const seed = process.env["FC_SEED"] === undefined ? 20261125 : Number(process.env["FC_SEED"]);
fc.configureGlobal({ seed, numRuns: 200 });
