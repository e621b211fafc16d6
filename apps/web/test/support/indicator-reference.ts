// Textbook formulas of the catalogued indicators, written out over whole arrays independently of the
// library, for the catalogue's unit tests. Each returns its lines over all bars, NaN where the formula
// has no value yet. Conventions follow the published definitions the library documents: EMA seeded
// with the first price (α = 2/(n+1)), Wilder's smoothing seeded with a simple average (α = 1/n).

import type { Bar } from '../../ui/market/candle-bars.ts';

export type Lines = number[][];
type Series = number[];

const nan = (len: number): Series => new Array<number>(len).fill(Number.NaN);

export function sma(xs: Series, n: number): Series {
  return xs.map((_, i) => (i < n - 1 ? Number.NaN : sum(xs.slice(i - n + 1, i + 1)) / n));
}
const sum = (xs: Series) => xs.reduce((a, b) => a + b, 0);
/** Ignores the NaN head of a derived series: the average starts at its first value. */
function onDefined(xs: Series, f: (ys: Series) => Series): Series {
  const start = xs.findIndex((x) => !Number.isNaN(x));
  if (start < 0) return nan(xs.length);
  return [...nan(start), ...f(xs.slice(start))];
}
export function ema(xs: Series, n: number, alpha = 2 / (n + 1)): Series {
  return onDefined(xs, (ys) => {
    const out: Series = [];
    let prev = ys[0]!;
    for (const y of ys) out.push((prev = alpha * y + (1 - alpha) * prev));
    return out;
  });
}
export function wilder(xs: Series, n: number): Series {
  return onDefined(xs, (ys) => {
    const out = nan(ys.length);
    if (ys.length < n) return out;
    let prev = sum(ys.slice(0, n)) / n;
    out[n - 1] = prev;
    for (let i = n; i < ys.length; i++) out[i] = prev = prev + (ys[i]! - prev) / n;
    return out;
  });
}
export function wma(xs: Series, n: number): Series {
  const w = (n * (n + 1)) / 2;
  return onDefined(xs, (ys) =>
    ys.map((_, i) =>
      i < n - 1
        ? Number.NaN
        : ys.slice(i - n + 1, i + 1).reduce((a, y, j) => a + y * (j + 1), 0) / w,
    ),
  );
}
const zip = (a: Series, b: Series, f: (x: number, y: number) => number) =>
  a.map((x, i) => f(x, b[i]!));
const window = (xs: Series, i: number, n: number) =>
  i < n - 1 ? undefined : xs.slice(i - n + 1, i + 1);
const maxOf = (xs: Series) => Math.max(...xs);
const minOf = (xs: Series) => Math.min(...xs);
const stdev = (xs: Series) => {
  const m = sum(xs) / xs.length;
  return Math.sqrt(sum(xs.map((x) => (x - m) ** 2)) / xs.length);
};
const meanDev = (xs: Series) => {
  const m = sum(xs) / xs.length;
  return sum(xs.map((x) => Math.abs(x - m))) / xs.length;
};

export const closes = (bars: readonly Bar[]) => bars.map((b) => b.close);
const typical = (bars: readonly Bar[]) => bars.map((b) => (b.high + b.low + b.close) / 3);
const median = (bars: readonly Bar[]) => bars.map((b) => (b.high + b.low) / 2);
export function trueRange(bars: readonly Bar[]): Series {
  return bars.map((b, i) => {
    const prev = bars[i - 1];
    if (prev === undefined) return b.high - b.low;
    return Math.max(b.high - b.low, Math.abs(b.high - prev.close), Math.abs(b.low - prev.close));
  });
}
const change = (xs: Series) => xs.map((x, i) => (i === 0 ? Number.NaN : x - xs[i - 1]!));

export function rsi(xs: Series, n: number): Series {
  const d = change(xs);
  const up = wilder(
    d.map((x) => (Number.isNaN(x) ? x : Math.max(x, 0))),
    n,
  );
  const down = wilder(
    d.map((x) => (Number.isNaN(x) ? x : Math.max(-x, 0))),
    n,
  );
  return zip(up, down, (u, dn) => (dn === 0 ? 100 : 100 - 100 / (1 + u / dn)));
}

export function bollinger(xs: Series, n: number, k: number): Lines {
  const mid = sma(xs, n);
  const dev = xs.map((_, i) => {
    const w = window(xs, i, n);
    return w === undefined ? Number.NaN : stdev(w);
  });
  return [zip(mid, dev, (m, d) => m + k * d), mid, zip(mid, dev, (m, d) => m - k * d)];
}

/** The indicators with one line over closes and one period. */
export const CLOSE_REFERENCES: Record<string, (xs: Series, n: number) => Series> = {
  sma,
  ema,
  wma,
  rma: (xs, n) => ema(xs, n, 1 / n),
  wsma: wilder,
  dema: (xs, n) => {
    const e = ema(xs, n);
    return zip(e, ema(e, n), (a, b) => 2 * a - b);
  },
  // Each average starts once the one before it has a full period behind it (as TA-Lib's TEMA).
  tema: (xs, n) => {
    const full = (ys: Series) =>
      ys.map((y, i) => (i < n - 1 || Number.isNaN(ys[i - n + 1]!) ? Number.NaN : y));
    const e1 = full(ema(xs, n));
    const e2 = full(ema(e1, n));
    return zip(
      zip(e1, e2, (a, b) => 3 * (a - b)),
      ema(e2, n),
      (a, b) => a + b,
    );
  },
  trima: (xs, n) => {
    const half = Math.trunc(n / 2);
    const div = n % 2 === 0 ? (half + 1) * half : (half + 1) ** 2;
    return xs.map((_, i) => {
      const w = window(xs, i, n);
      return w === undefined
        ? Number.NaN
        : w.reduce((a, x, j) => a + x * Math.min(j + 1, n - j), 0) / div;
    });
  },
  hma: (xs, n) => {
    const raw = zip(wma(xs, Math.trunc(n / 2)), wma(xs, n), (a, b) => 2 * a - b);
    const full = wma(xs, n);
    return wma(
      raw.map((x, i) => (Number.isNaN(full[i]!) ? Number.NaN : x)),
      Math.trunc(Math.sqrt(n)),
    );
  },
  rsi,
  roc: (xs, n) => xs.map((x, i) => (i < n ? Number.NaN : (x - xs[i - n]!) / xs[i - n]!)),
  mom: (xs, n) => xs.map((x, i) => (i < n ? Number.NaN : x - xs[i - n]!)),
  cmo: (xs, n) => {
    const d = change(xs);
    return xs.map((_, i) => {
      if (i < n) return Number.NaN;
      const w = d.slice(i - n + 1, i + 1);
      const up = sum(w.map((x) => Math.max(x, 0)));
      const down = sum(w.map((x) => Math.max(-x, 0)));
      return (100 * (up - down)) / (up + down);
    });
  },
  // McGinley's published form: MD += (P − MD) / (0.6 · N · (P / MD)⁴), starting from the first price.
  mcginley: (xs, n) => {
    let md = xs[0]!;
    return xs.map((x, i) => (i === 0 ? md : (md += (x - md) / (0.6 * n * (x / md) ** 4))));
  },
  // Kaufman: efficiency ratio over n changes scales α between 2/(2+1) and 2/(30+1), squared;
  // starts at the n-th close.
  kama: (xs, n) => {
    const out = nan(xs.length);
    const fast = 2 / 3;
    const slow = 2 / 31;
    for (let i = n - 1; i < xs.length; i++) {
      if (i === n - 1) {
        out[i] = xs[i]!;
        continue;
      }
      const from = Math.max(0, i - n);
      let path = 0;
      for (let j = from + 1; j <= i; j++) path += Math.abs(xs[j]! - xs[j - 1]!);
      const er = path === 0 ? 1 : Math.abs(xs[i]! - xs[from]!) / path;
      const sc = (er * (fast - slow) + slow) ** 2;
      out[i] = out[i - 1]! + sc * (xs[i]! - out[i - 1]!);
    }
    return out;
  },
  // Chande and Kroll: where RSI stands in its own range over the last n values, 0…1.
  stochrsi: (xs, n) => {
    const r = rsi(xs, n);
    return r.map((x, i) => {
      const w = window(r, i, n);
      if (w === undefined || w.some(Number.isNaN)) return Number.NaN;
      return maxOf(w) === minOf(w) ? 100 : (x - minOf(w)) / (maxOf(w) - minOf(w));
    });
  },
  disparity: (xs, n) => zip(xs, sma(xs, n), (x, m) => (100 * (x - m)) / m),
  dpo: (xs, n) => {
    const back = Math.floor(n / 2) + 1;
    return zip(
      xs.map((_, i) => (i < back ? Number.NaN : xs[i - back]!)),
      sma(xs, n),
      (x, m) => x - m,
    );
  },
  vhf: (xs, n) =>
    xs.map((_, i) => {
      if (i < n) return Number.NaN;
      const w = xs.slice(i - n + 1, i + 1);
      let path = 0;
      for (let j = i - n + 1; j <= i; j++) path += Math.abs(xs[j]! - xs[j - 1]!);
      return (maxOf(w) - minOf(w)) / path;
    }),
  mad: (xs, n) => xs.map((_, i) => (i < n - 1 ? Number.NaN : meanDev(xs.slice(i - n + 1, i + 1)))),
};

/** The indicators with one line over candles and one period. */
export const CANDLE_REFERENCES: Record<string, (bars: readonly Bar[], n: number) => Series> = {
  atr: (bars, n) => wilder(trueRange(bars), n),
  natr: (bars, n) => zip(wilder(trueRange(bars), n), closes(bars), (a, c) => (a / c) * 100),
  willr: (bars, n) =>
    bars.map((b, i) => {
      if (i < n - 1) return Number.NaN;
      const w = bars.slice(i - n + 1, i + 1);
      const hh = maxOf(w.map((x) => x.high));
      const ll = minOf(w.map((x) => x.low));
      return (-100 * (hh - b.close)) / (hh - ll);
    }),
  cci: (bars, n) => {
    const tp = typical(bars);
    return tp.map((t, i) => {
      const w = window(tp, i, n);
      return w === undefined ? Number.NaN : (t - sum(w) / n) / (0.015 * meanDev(w));
    });
  },
  cmf: (bars, n) => {
    const mfv = bars.map((b) =>
      b.high === b.low ? 0 : ((b.close - b.low - (b.high - b.close)) / (b.high - b.low)) * b.volume,
    );
    const vol = bars.map((b) => b.volume);
    return bars.map((_, i) =>
      i < n - 1 ? Number.NaN : sum(mfv.slice(i - n + 1, i + 1)) / sum(vol.slice(i - n + 1, i + 1)),
    );
  },
  mfi: (bars, n) => {
    const tp = typical(bars);
    const flow = tp.map((t, i) => t * bars[i]!.volume);
    return tp.map((_, i) => {
      if (i < n) return Number.NaN;
      let pos = 0;
      let neg = 0;
      for (let j = i - n + 1; j <= i; j++) {
        if (tp[j]! > tp[j - 1]!) pos += flow[j]!;
        else if (tp[j]! < tp[j - 1]!) neg += flow[j]!;
      }
      return neg === 0 ? 100 : 100 - 100 / (1 + pos / neg);
    });
  },
  force: (bars, n) =>
    ema(
      bars.map((b, i) => (i === 0 ? Number.NaN : (b.close - bars[i - 1]!.close) * b.volume)),
      n,
    ),
  gapo: (bars, n) =>
    bars.map((_, i) => {
      if (i < n - 1) return Number.NaN;
      const w = bars.slice(i - n + 1, i + 1);
      return Math.log(maxOf(w.map((b) => b.high)) - minOf(w.map((b) => b.low))) / Math.log(n);
    }),
  dx: (bars, n) => directional(bars, n),
  adx: (bars, n) => wilder(directional(bars, n), n),
  // Dorsey: the sum over n of EMA9(range) / EMA9(EMA9(range)), the second average starting once the
  // first has nine values.
  mass: (bars, n) => {
    const e1 = ema(
      bars.map((b) => b.high - b.low),
      9,
    ).map((x, i) => (i < 8 ? Number.NaN : x));
    const e2 = ema(e1, 9).map((x, i) => (i < 16 ? Number.NaN : x));
    const ratio = zip(e1, e2, (a, b) => a / b);
    return ratio.map((_, i) => {
      const w = window(ratio, i, n);
      return w === undefined ? Number.NaN : sum(w);
    });
  },
  // Arms' ease of movement, volume in units of 100,000,000, averaged over n.
  emv: (bars, n) => {
    const raw = bars.map((b, i) => {
      const p = bars[i - 1];
      if (p === undefined) return Number.NaN;
      const moved = (b.high + b.low) / 2 - (p.high + p.low) / 2;
      return b.high === b.low ? 0 : moved / (b.volume / 1e8 / (b.high - b.low));
    });
    return onDefined(raw, (ys) => sma(ys, n));
  },
  // Chaikin's volatility: change of the EMA of the high−low range over n candles, in percent.
  cvi: (bars, n) => {
    const e = ema(
      bars.map((b) => b.high - b.low),
      n,
    );
    return e.map((x, i) => (i < n ? Number.NaN : (100 * (x - e[i - n]!)) / e[i - n]!));
  },
  qstick: (bars, n) =>
    sma(
      bars.map((b) => b.close - b.open),
      n,
    ),
};

/** Indicators with several lines or parameters: id → lines from the bars and the parameters. */
export const COMPOSITE_REFERENCES: Record<
  string,
  (bars: readonly Bar[], p: Record<string, number>) => Lines
> = {
  bb: (bars, p) => bollinger(closes(bars), p.n!, p.k!),
  dc: (bars, p) => {
    const up = bars.map((_, i) =>
      i < p.n! - 1 ? Number.NaN : maxOf(bars.slice(i - p.n! + 1, i + 1).map((b) => b.high)),
    );
    const lo = bars.map((_, i) =>
      i < p.n! - 1 ? Number.NaN : minOf(bars.slice(i - p.n! + 1, i + 1).map((b) => b.low)),
    );
    return [up, zip(up, lo, (u, l) => (u + l) / 2), lo];
  },
  macd: (bars, p) => {
    const xs = closes(bars);
    const line = zip(ema(xs, p.fast!), ema(xs, p.slow!), (a, b) => a - b);
    const start = p.slow! - 1;
    const signal = [...nan(start), ...ema(line.slice(start), p.signal!)];
    return [line, signal, zip(line, signal, (a, b) => a - b)];
  },
  apo: (bars, p) => [zip(ema(closes(bars), p.fast!), ema(closes(bars), p.slow!), (a, b) => a - b)],
  ppo: (bars, p) => [
    zip(ema(closes(bars), p.fast!), ema(closes(bars), p.slow!), (a, b) => ((a - b) / b) * 100),
  ],
  ao: (bars, p) => [zip(sma(median(bars), p.fast!), sma(median(bars), p.slow!), (a, b) => a - b)],
  ac: (bars, p) => {
    const ao = zip(sma(median(bars), p.fast!), sma(median(bars), p.slow!), (a, b) => a - b);
    return [
      zip(
        ao,
        onDefined(ao, (ys) => sma(ys, p.signal!)),
        (a, s) => a - s,
      ),
    ];
  },
  pvo: (bars, p) => {
    const vol = bars.map((b) => b.volume);
    return [zip(ema(vol, p.fast!), ema(vol, p.slow!), (f, s) => (100 * (f - s)) / s)];
  },
  adosc: (bars, p) => {
    const ad = COMPOSITE_REFERENCES.ad!(bars, p)[0]!;
    return [zip(ema(ad, p.fast!), ema(ad, p.slow!), (f, s) => f - s)];
  },
  vroc: (bars, p) => [
    bars.map((b, i) =>
      i < p.n! ? Number.NaN : (100 * (b.volume - bars[i - p.n!]!.volume)) / bars[i - p.n!]!.volume,
    ),
  ],
  rvol: (bars, p) => [
    bars.map((b, i) =>
      i < p.n! ? Number.NaN : b.volume / (sum(bars.slice(i - p.n!, i).map((x) => x.volume)) / p.n!),
    ),
  ],
  pvt: (bars) => {
    let acc = 0;
    return [
      bars.map((b, i) =>
        i === 0
          ? Number.NaN
          : (acc += (b.volume * (b.close - bars[i - 1]!.close)) / bars[i - 1]!.close),
      ),
    ];
  },
  vortex: (bars, p) => {
    const n = p.n!;
    const tr = trueRange(bars);
    const over = (f: (b: Bar, prev: Bar) => number) =>
      bars.map((_, i) => {
        if (i < n) return Number.NaN;
        let s = 0;
        let t = 0;
        for (let j = i - n + 1; j <= i; j++) {
          s += f(bars[j]!, bars[j - 1]!);
          t += tr[j]!;
        }
        return s / t;
      });
    return [
      over((b, prev) => Math.abs(b.high - prev.low)),
      over((b, prev) => Math.abs(b.low - prev.high)),
    ];
  },
  kc: (bars, p) => {
    const mid = ema(closes(bars), p.ema!);
    const atr = wilder(trueRange(bars), p.atr!);
    return [zip(mid, atr, (m, a) => m + p.k! * a), mid, zip(mid, atr, (m, a) => m - p.k! * a)];
  },
  ichimoku: (bars, p) => {
    const mid = (n: number) =>
      bars.map((_, i) =>
        i < n - 1
          ? Number.NaN
          : (maxOf(bars.slice(i - n + 1, i + 1).map((b) => b.high)) +
              minOf(bars.slice(i - n + 1, i + 1).map((b) => b.low))) /
            2,
      );
    const conversion = mid(p.conversion!);
    const base = mid(p.base!);
    return [conversion, base, zip(conversion, base, (c, b) => (c + b) / 2), mid(p.spanB!)];
  },
  alma: (bars, p) => {
    const n = p.n!;
    const peak = p.offset! * (n - 1);
    const spread = n / p.sigma!;
    const w = Array.from({ length: n }, (_, i) => Math.exp(-((i - peak) ** 2) / (2 * spread ** 2)));
    const xs = closes(bars);
    return [
      xs.map((_, i) =>
        i < n - 1
          ? Number.NaN
          : xs.slice(i - n + 1, i + 1).reduce((a, x, j) => a + x * w[j]!, 0) / sum(w),
      ),
    ];
  },
  // Williams' ultimate oscillator: buying pressure over true range on three windows, weighted 4:2:1.
  ultosc: (bars, p) => {
    const tr = trueRange(bars);
    const bp = bars.map((b, i) =>
      i === 0 ? Number.NaN : b.close - Math.min(b.low, bars[i - 1]!.close),
    );
    const avg = (i: number, n: number) =>
      sum(bp.slice(i - n + 1, i + 1)) / sum(tr.slice(i - n + 1, i + 1));
    return [
      bars.map((_, i) =>
        i < p.long!
          ? Number.NaN
          : (100 * (4 * avg(i, p.short!) + 2 * avg(i, p.medium!) + avg(i, p.long!))) / 7,
      ),
    ];
  },
  // Seban's SuperTrend: bands at the median price ± k·ATR that only tighten while the trend holds;
  // the line is the lower band in an uptrend, the upper one in a downtrend.
  supertrend: (bars, p) => {
    const atr = wilder(trueRange(bars), p.n!);
    const out = nan(bars.length);
    let prev: { up: number; low: number; close: number; isUp: boolean } | undefined;
    for (const [i, b] of bars.entries()) {
      if (Number.isNaN(atr[i]!)) continue;
      const mid = (b.high + b.low) / 2;
      let up = mid + p.k! * atr[i]!;
      let low = mid - p.k! * atr[i]!;
      let isUp = b.close > up;
      if (prev !== undefined) {
        if (!(up < prev.up || prev.close > prev.up)) up = prev.up;
        if (!(low > prev.low || prev.close < prev.low)) low = prev.low;
        isUp = prev.isUp ? b.close >= low : b.close > up;
      }
      prev = { up, low, close: b.close, isUp };
      out[i] = isUp ? low : up;
    }
    return [out];
  },
  // Blau's true strength index: momentum double-smoothed (long, then short EMA) over its absolute
  // value double-smoothed alike; each average starts once the one before has a full period.
  tsi: (bars, p) => {
    const m = change(closes(bars));
    const full = (ys: Series, n: number) => {
      const start = ys.findIndex((y) => !Number.isNaN(y));
      return ys.map((y, i) => (i < start + n - 1 ? Number.NaN : y));
    };
    const twice = (xs: Series) => full(ema(full(ema(xs, p.long!), p.long!), p.short!), p.short!);
    return [zip(twice(m), twice(m.map(Math.abs)), (a, b) => (b === 0 ? 0 : (100 * a) / b))];
  },
  // Fosback's volume indices from 1,000: NVI moves with price on days of lower volume, PVI on higher.
  nvi: (bars) => [volumeIndex(bars, (v, prev) => v < prev)],
  pvi: (bars) => [volumeIndex(bars, (v, prev) => v > prev)],
  tr: (bars) => [trueRange(bars)],
  bop: (bars) => [bars.map((b) => (b.high === b.low ? 0 : (b.close - b.open) / (b.high - b.low)))],
  ibs: (bars) => [bars.map((b) => (b.high === b.low ? 0 : (b.close - b.low) / (b.high - b.low)))],
  obv: (bars) => {
    let acc = 0;
    return [
      bars.map((b, i) =>
        i === 0
          ? Number.NaN
          : (acc +=
              b.close > bars[i - 1]!.close
                ? b.volume
                : b.close < bars[i - 1]!.close
                  ? -b.volume
                  : 0),
      ),
    ];
  },
  ad: (bars) => {
    let acc = 0;
    return [
      bars.map(
        (b) =>
          (acc +=
            b.high === b.low
              ? 0
              : ((b.close - b.low - (b.high - b.close)) / (b.high - b.low)) * b.volume),
      ),
    ];
  },
  vwap: (bars) => {
    const tp = typical(bars);
    let pv = 0;
    let vol = 0;
    return [
      bars.map((b, i) => {
        pv += tp[i]! * b.volume;
        vol += b.volume;
        return pv / vol;
      }),
    ];
  },
  vwma: (bars, p) => [
    bars.map((_, i) => {
      if (i < p.n! - 1) return Number.NaN;
      const w = bars.slice(i - p.n! + 1, i + 1);
      return sum(w.map((b) => b.close * b.volume)) / sum(w.map((b) => b.volume));
    }),
  ],
  bbw: (bars, p) => {
    const [u, m, l] = bollinger(closes(bars), p.n!, p.k!);
    return [u!.map((x, i) => (x - l![i]!) / m![i]!)];
  },
  percentb: (bars, p) => {
    const [u, , l] = bollinger(closes(bars), p.n!, p.k!);
    return [bars.map((b, i) => (b.close - l![i]!) / (u![i]! - l![i]!))];
  },
  stoch: (bars, p) => {
    const raw = bars.map((b, i) => {
      if (i < p.k! - 1) return Number.NaN;
      const w = bars.slice(i - p.k! + 1, i + 1);
      const hh = maxOf(w.map((x) => x.high));
      const ll = minOf(w.map((x) => x.low));
      return ((b.close - ll) / (hh - ll)) * 100;
    });
    const k = onDefined(raw, (ys) => sma(ys, p.slowing!));
    return [k, onDefined(k, (ys) => sma(ys, p.d!))];
  },
  aroon: (bars, p) => {
    const n = p.n!;
    const at = (pick: (b: Bar) => number, better: (a: number, b: number) => boolean) =>
      bars.map((_, i) => {
        if (i < n) return Number.NaN;
        let best = i - n;
        for (let j = i - n; j <= i; j++) if (better(pick(bars[j]!), pick(bars[best]!))) best = j;
        return (100 * (n - (i - best))) / n;
      });
    return [
      at(
        (b) => b.high,
        (a, b) => a >= b,
      ),
      at(
        (b) => b.low,
        (a, b) => a <= b,
      ),
    ];
  },
};

function volumeIndex(
  bars: readonly Bar[],
  counts: (volume: number, previous: number) => boolean,
): Series {
  let index = 1_000;
  return bars.map((b, i) => {
    const p = bars[i - 1];
    if (p !== undefined && counts(b.volume, p.volume)) index *= 1 + (b.close - p.close) / p.close;
    return index;
  });
}

/**
 * Wilder's DX: +DM and −DM (the larger of the two moves, the other zero) and the true range, each
 * smoothed with Wilder's average; the first candle counts as no movement over its own range.
 */
function directional(bars: readonly Bar[], n: number): Series {
  const up: Series = [];
  const down: Series = [];
  for (const [i, b] of bars.entries()) {
    const p = bars[i - 1];
    const hh = p === undefined ? 0 : b.high - p.high;
    const ll = p === undefined ? 0 : p.low - b.low;
    up.push(hh > ll && hh > 0 ? hh : 0);
    down.push(ll > hh && ll > 0 ? ll : 0);
  }
  const atr = wilder(trueRange(bars), n);
  const pdi = zip(wilder(up, n), atr, (a, t) => a / t);
  const mdi = zip(wilder(down, n), atr, (a, t) => a / t);
  return zip(pdi, mdi, (a, b) => (a + b === 0 ? 0 : (100 * Math.abs(a - b)) / (a + b))).map(
    (x, i) => (i === 0 ? Number.NaN : x),
  );
}
