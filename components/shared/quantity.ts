/**
 * Kubernetes resource quantities (`500m`, `4Gi`, `1.5`, `2e3`), parsed to plain numbers so that
 * config validation and sizing rules (heap, limits) can compare them.
 */

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const MULTIPLIERS: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

/** True when `value` is a valid Kubernetes quantity string. */
export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

/**
 * The numeric value of a quantity: bytes for memory (`4Gi` → 4294967296), cores for CPU (`500m` → 0.5).
 * Throws on an invalid quantity; validate with {@link isQuantity} first where input is untrusted.
 */
export function parseQuantity(value: string): number {
  const match = QUANTITY.exec(value);
  if (!match) throw new Error(`invalid Kubernetes quantity "${value}"`);
  const [, num, suffix = ""] = match;
  if (/^[eE]/.test(suffix)) return Number(num) * 10 ** Number(suffix.slice(1));
  return Number(num) * MULTIPLIERS[suffix];
}

export const GiB = 2 ** 30;
export const MiB = 2 ** 20;
