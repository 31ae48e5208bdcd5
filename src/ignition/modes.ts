// File modes: Ignition wants them as numbers (0644 is 420). A mode that only makes sense
// when its digits are read as octal was almost certainly written in decimal by mistake;
// this is Butane's ErrDecimalMode rule (base/util/file.go), made an error here.

/** decimalModeToOctal reads 644 as 0o644, or returns undefined when a digit is not octal. */
function decimalModeToOctal(mode: number): number | undefined {
  if (mode < 0 || mode > 7777) return undefined;
  let out = 0;
  for (const digit of String(mode).padStart(4, "0")) {
    if (Number(digit) > 7) return undefined;
    out = (out << 3) | Number(digit);
  }
  return out;
}

/** isTypicalMode says whether a mode is unsurprising (more-specific classes never have fewer bits, someone can read...). */
export function isTypicalMode(mode: number, directory: boolean): boolean {
  if (mode === 0) return true;
  let hadR = false;
  let hadW = false;
  let hadX = false;
  for (const perm of [mode & 0o7, (mode & 0o70) >> 3, (mode & 0o700) >> 6]) {
    const r = (perm & 4) !== 0;
    const w = (perm & 2) !== 0;
    const x = (perm & 1) !== 0;
    if ((!r && hadR) || (!w && hadW) || (!x && hadX)) return false;
    if (x && hadR && !hadX) return false;
    if ((w || x) && !r) return false;
    hadR ||= r;
    hadW ||= w;
    hadX ||= x;
  }
  if (!hadR) return false;
  if (directory) return hadX && (mode & 0o4000) === 0 && ((mode & 0o3000) === 0 || hadW);
  if ((mode & 0o6000) !== 0 && (!hadX || (mode & 2) !== 0)) return false;
  return (mode & 0o1000) === 0;
}

/** modeProblem explains a bad mode, or returns undefined for a good one. */
export function modeProblem(mode: number, directory: boolean): string | undefined {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) return `mode ${mode} is not a permission mode (0 to 07777)`;
  const octal = decimalModeToOctal(mode);
  if (octal !== undefined && !isTypicalMode(mode, directory) && isTypicalMode(octal, directory)) {
    return `mode ${mode} looks like octal written without its leading zero; write 0${mode} (YAML) or ${octal} (JSON)`;
  }
  return undefined;
}
