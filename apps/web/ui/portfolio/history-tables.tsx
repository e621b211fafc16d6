// Order, fill and settlement history: server-side filters (market, status) with cursor pagination,
// a text search over the loaded page, and CSV export of every row the filters match (all pages).

import { useState } from 'react';
import { api, errorText } from '../api/http.ts';
import type { FillRow, MarketInfo, OrderRow, Page, SettlementRow } from '../api/types.ts';
import { downloadCsv, toCsv } from '../components/csv.ts';
import { orderStatusText, orderTypeText } from '../format/orders.ts';
import { dateTime, qty, usd, usdSigned } from '../format/units.ts';
import { orderLabel, sidePrice } from '../market/order-convention.ts';
import { useApp } from '../state/app-state.tsx';
import { useApi } from '../state/use-api.ts';

type Tab = 'orders' | 'fills' | 'settlements';
type HistoryRow = OrderRow | FillRow | SettlementRow;
const PAGE = 25;
/** The API's largest page, and a bound on an export's pages (a million rows). */
const EXPORT_PAGE = 1_000;
const EXPORT_PAGES = 1_000;

/** Every row the filters match, following the cursor to the last page. */
async function fetchAll(
  path: string,
  filters: Record<string, string | undefined>,
): Promise<HistoryRow[]> {
  const items: HistoryRow[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < EXPORT_PAGES; i++) {
    const page = await api<Page<HistoryRow>>('GET', path, undefined, {
      ...filters,
      limit: EXPORT_PAGE,
      cursor,
    });
    items.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === undefined) break;
  }
  return items;
}

function Pager(props: { page: number; hasNext: boolean; prev: () => void; next: () => void }) {
  return (
    <div className="pager">
      <button type="button" className="small" disabled={props.page === 0} onClick={props.prev}>
        ← Newer
      </button>
      <span className="muted small">Page {props.page + 1}</span>
      <button type="button" className="small" disabled={!props.hasNext} onClick={props.next}>
        Older →
      </button>
    </div>
  );
}

export function HistoryTables() {
  const { markets, accountVersion, toast } = useApp();
  const [tab, setTab] = useState<Tab>('orders');
  const [market, setMarket] = useState('');
  const [status, setStatus] = useState('');
  const [text, setText] = useState('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const page = cursors.length - 1;
  const cursor = cursors[page];
  const reset = () => setCursors([undefined]);
  const path =
    tab === 'orders'
      ? '/api/v1/orders'
      : tab === 'fills'
        ? '/api/v1/portfolio/fills'
        : '/api/v1/portfolio/settlements';
  const filters = {
    market: market || undefined,
    status: tab === 'orders' && status !== '' ? status : undefined,
  };
  const rows = useApi(
    async () => ({
      tab,
      page: await api<Page<HistoryRow>>('GET', path, undefined, {
        ...filters,
        limit: PAGE,
        cursor,
      }),
    }),
    [path, market, status, cursor, page === 0 ? accountVersion : 0],
  );
  // The previous tab's rows stay loaded until the new request answers; never render them as this tab.
  const data = rows.data?.tab === tab ? rows.data.page : undefined;
  const byId = new Map(markets.map((m) => [m.instrumentId, m]));
  const table = buildTable(tab, data?.items ?? [], byId);
  const needle = text.trim().toLowerCase();
  const matching = (all: string[][]) =>
    needle === '' ? all : all.filter((r) => r.join(' ').toLowerCase().includes(needle));
  const shown = matching(table.rows);
  const [exporting, setExporting] = useState(false);
  const exportAll = async () => {
    setExporting(true);
    try {
      const items = await fetchAll(path, filters);
      const all = buildTable(tab, items, byId);
      downloadCsv(`bourse-${tab}.csv`, toCsv(all.header, matching(all.rows)));
    } catch (err) {
      toast('error', errorText(err));
    } finally {
      setExporting(false);
    }
  };
  return (
    <div className="card history">
      <div className="card-head">
        <div className="seg" role="tablist" aria-label="History">
          {(['orders', 'fills', 'settlements'] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              onClick={() => {
                setTab(t);
                reset();
              }}
            >
              {t[0]!.toUpperCase() + t.slice(1)}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="small"
          onClick={() => void exportAll()}
          disabled={shown.length === 0 || exporting}
          title="Every row the filters match, on every page"
        >
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </div>
      <div className="filters">
        <label>
          <span className="sr-only">Market</span>
          <select
            value={market}
            onChange={(e) => {
              setMarket(e.target.value);
              reset();
            }}
          >
            <option value="">All markets</option>
            {markets.map((m) => (
              <option key={m.market} value={m.market}>
                {m.market}
              </option>
            ))}
          </select>
        </label>
        {tab === 'orders' && (
          <label>
            <span className="sr-only">Status</span>
            <select
              value={status}
              onChange={(e) => {
                setStatus(e.target.value);
                reset();
              }}
            >
              <option value="">Any status</option>
              <option value="open">Open</option>
              <option value="filled">Filled</option>
              <option value="cancelled">Cancelled</option>
              <option value="rejected">Rejected</option>
            </select>
          </label>
        )}
        <label className="search">
          <span className="sr-only">Search this page</span>
          <input
            type="search"
            placeholder="Search this page"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
      </div>
      {rows.error && <p className="error">{rows.error}</p>}
      <div className="scroll-x">
        <table className="compact" data-testid={`history-${tab}`}>
          <thead>
            <tr>
              {table.header.map((h, i) => (
                <th key={h} className={cellClass(table, i)}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((r, i) => (
              // Index keys: rows are a page snapshot, re-rendered whole.
              <tr key={i}>
                {r.map((c, j) => (
                  <td key={table.header[j]} className={cellClass(table, j)}>
                    {c}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length === 0 && !rows.loading && <p className="muted">Nothing here yet.</p>}
      <Pager
        page={page}
        hasNext={data?.nextCursor !== undefined}
        prev={() => setCursors((c) => c.slice(0, -1))}
        next={() => setCursors((c) => [...c, data?.nextCursor])}
      />
    </div>
  );
}

/** Numbers align right; optional columns give way on phone-sized screens. */
function cellClass(t: { numeric: boolean[]; optional?: boolean[] }, i: number): string {
  return `${t.numeric[i] ? 'num' : ''}${t.optional?.[i] ? ' hide-sm' : ''}`.trim();
}

function buildTable(
  tab: Tab,
  items: readonly HistoryRow[],
  byId: ReadonlyMap<number, MarketInfo>,
): { header: string[]; numeric: boolean[]; rows: string[][]; optional?: boolean[] } {
  const qOf = (m: MarketInfo | undefined, l: number) => (m === undefined ? String(l) : qty(m, l));
  if (tab === 'orders') {
    return {
      header: [
        'Time',
        'Market',
        'Order',
        'Type',
        'Price',
        'Qty',
        'Filled',
        'Avg',
        'Fees',
        'Status',
      ],
      numeric: [false, false, false, false, true, true, true, true, true, false],
      rows: (items as OrderRow[]).map((o) => {
        const m = byId.get(o.instrumentId);
        return [
          dateTime(o.createdTs),
          o.market,
          orderLabel(m, o.side),
          orderTypeText(o),
          sidePrice(m, o.side, o.priceTicks),
          qOf(m, o.qtyLots),
          qOf(m, o.filledQtyLots),
          sidePrice(m, o.side, o.avgPriceTicks),
          usd(o.feesPaid),
          orderStatusText(o),
        ];
      }),
    };
  }
  if (tab === 'fills') {
    return {
      header: ['Time', 'Market', 'Side', 'Role', 'Price', 'Qty', 'Fee', 'Order'],
      numeric: [false, false, false, false, true, true, true, true],
      optional: [false, false, false, true, false, false, true, true],
      rows: (items as FillRow[]).map((f) => {
        const m = byId.get(f.instrumentId);
        return [
          dateTime(f.ts),
          m?.market ?? String(f.instrumentId),
          orderLabel(m, f.side),
          f.role,
          sidePrice(m, f.side, f.priceTicks),
          qOf(m, f.qtyLots),
          usd(f.fee),
          String(f.orderId),
        ];
      }),
    };
  }
  return {
    header: ['Time', 'Market', 'Result', 'Position', 'Payout', 'Realised P&L'],
    numeric: [false, false, false, true, true, true],
    rows: (items as SettlementRow[]).map((s) => {
      const m = byId.get(s.instrumentId);
      const side = s.positionLots > 0 ? ' YES' : s.positionLots < 0 ? ' NO' : '';
      return [
        dateTime(s.ts),
        m?.market ?? String(s.instrumentId),
        s.result.toUpperCase(),
        `${qOf(m, Math.abs(s.positionLots))}${side}`,
        usd(s.payout),
        usdSigned(s.realisedPnl),
      ];
    }),
  };
}
