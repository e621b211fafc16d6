// The cluster on the operations page, from the gateway's `/cluster-status` (what `bourse cluster status`
// shows): the leader and term, each engine node's role, applied seq, lag and state-hash agreement, the
// gateways and the read models' lag. On one server the endpoint says so and the card says it too.

import { useEffect, useState } from 'react';

interface NodeView {
  readonly node: string;
  readonly role: string;
  readonly pid: number;
  readonly appliedSeq: number;
  readonly lag: number;
  readonly stateHash: string;
  readonly hashSeq: number;
  readonly hashAgrees: boolean;
  readonly alarm?: string;
}

type ClusterStatus =
  | { readonly mode: 'single-process' }
  | {
      readonly mode: 'cluster';
      readonly term: number;
      readonly leader: { readonly node: string; readonly pid: number } | null;
      readonly nodes: readonly NodeView[];
      readonly gateways: readonly { readonly url: string; readonly pid: number }[];
      readonly readModels?: { readonly seq: number; readonly lag: number } | null;
    };

const POLL_MS = 2_000;

export function ClusterCard() {
  const [status, setStatus] = useState<ClusterStatus | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const res = await fetch('/cluster-status', { cache: 'no-store' });
        const body = (await res.json()) as ClusterStatus & { error?: string };
        if (!res.ok) throw new Error(body.error ?? `Cluster status answered ${res.status}`);
        if (!stopped) {
          setStatus(body);
          setError(undefined);
        }
      } catch (err) {
        if (!stopped) setError(err instanceof Error ? err.message : String(err));
      }
      // One poll at a time: the next starts after this one's answer.
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  return (
    <div className="card" data-testid="ops-cluster">
      <h2>Cluster</h2>
      {error && <p className="error">{error}</p>}
      {status === undefined && error === undefined && <p className="muted">Loading…</p>}
      {status?.mode === 'single-process' && (
        <p data-testid="ops-cluster-mode">
          Single-process mode: one server sequences and stores everything; there is no cluster.
        </p>
      )}
      {status?.mode === 'cluster' && <ClusterTable status={status} />}
    </div>
  );
}

function ClusterTable({ status }: { status: Extract<ClusterStatus, { mode: 'cluster' }> }) {
  return (
    <>
      <dl className="summary cols">
        <dt>Leader</dt>
        <dd data-testid="ops-cluster-leader">
          {status.leader === null ? 'none (election under way)' : status.leader.node}
        </dd>
        <dt>Term</dt>
        <dd data-testid="ops-cluster-term">{status.term}</dd>
        <dt>Read models</dt>
        <dd data-testid="ops-cluster-read-models">
          {status.readModels == null
            ? '—'
            : `seq ${status.readModels.seq.toLocaleString()}, ${status.readModels.lag} behind`}
        </dd>
      </dl>
      <table className="compact" data-testid="ops-cluster-nodes">
        <thead>
          <tr>
            <th>Node</th>
            <th>Role</th>
            <th className="num">Applied seq</th>
            <th className="num">Lag</th>
            <th>State hash</th>
          </tr>
        </thead>
        <tbody>
          {status.nodes.map((n) => (
            <tr key={n.node} data-node={n.node}>
              <td>{n.node}</td>
              <td>{n.role}</td>
              <td className="num">{n.appliedSeq.toLocaleString()}</td>
              <td className="num">{n.lag}</td>
              <td>
                {n.stateHash === ''
                  ? 'none yet'
                  : `${n.stateHash.slice(0, 12)} @ ${n.hashSeq} — ${n.hashAgrees ? 'agrees' : 'DISAGREES'}`}
                {n.alarm === undefined ? '' : ` — alarm ${n.alarm}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Gateways</h3>
      <ul data-testid="ops-cluster-gateways">
        {status.gateways.map((g) => (
          <li key={g.url}>
            {g.url} (pid {g.pid})
          </li>
        ))}
      </ul>
    </>
  );
}
