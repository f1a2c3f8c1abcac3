export { isDatabaseEmpty, seedDemo } from "./demo.ts";
export {
  type GeneratedCounts,
  type GenerateOptions,
  generateCity,
  type Scale,
  scalePresets,
} from "./generate.ts";
export { makeRandom, type Random } from "./random.ts";
export { type DemoWorld, demoPassword, demoUsers } from "./world.ts";
