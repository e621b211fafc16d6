// A version counter that follows another at most once per interval: the performance report walks the
// account's whole history on the server, so a burst of fills (each bumping the account's version)
// asks for it once, then once more after the gap with everything that happened meanwhile.

import { useEffect, useRef, useState } from 'react';

export function useSpacedVersion(version: number, gapMs: number): number {
  const [shown, setShown] = useState(version);
  const last = useRef(0);
  useEffect(() => {
    if (version === shown) return;
    const wait = last.current + gapMs - Date.now();
    const apply = () => {
      last.current = Date.now();
      setShown(version);
    };
    if (wait <= 0) {
      apply();
      return;
    }
    const timer = setTimeout(apply, wait);
    return () => clearTimeout(timer);
  }, [version, shown, gapMs]);
  return shown;
}
