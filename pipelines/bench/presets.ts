/**
 * The benchmark's data sizes. The sample generator's ratios are fixed (~6.2k opportunities, ~200k
 * activities and ~93k invoice lines per scale unit), so the large preset reaches one million
 * opportunities at scale 170 — which brings ~33M activities and ~15M invoice lines with it, well
 * past the 10M / 5M floor the issue asks for. The small preset is for quick runs and is the
 * yardstick the report step is compared against (it must not grow with raw volume). The sample
 * preset is the company `npm run build` builds by default, where the site dominates a run.
 */
export interface Preset {
  name: 'sample' | 'small' | 'medium' | 'large';
  scale: number;
  seed: number;
}

export const PRESETS: Record<Preset['name'], Preset> = {
  // The bundled sample company as `npm run build` makes it: the refresh-time target is set on it.
  sample: { name: 'sample', scale: 1, seed: 42 },
  small: { name: 'small', scale: 5, seed: 42 },
  // Between the two, for finding the heavy models on a shared machine: 5× the small preset's rows
  // (about 150k opportunities, 5M activities, 2.3M invoice lines), a few minutes per run.
  medium: { name: 'medium', scale: 25, seed: 42 },
  large: { name: 'large', scale: 170, seed: 42 },
};

export const presetNamed = (name: string): Preset => {
  const preset = PRESETS[name as Preset['name']];
  if (!preset) throw new Error(`unknown preset "${name}" (expected ${Object.keys(PRESETS).join(', ')})`);
  return preset;
};
