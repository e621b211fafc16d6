// The confirmation every destructive action goes through: a modal <dialog> (focus trapped, Escape
// cancels) whose default focus is Cancel, so Enter alone never destroys anything.

import { useEffect, useRef } from 'react';
import { useApp } from '../state/app-state.tsx';

export function ConfirmDialog() {
  const { pendingConfirm } = useApp();
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d === null) return;
    if (pendingConfirm !== undefined && !d.open) {
      d.showModal();
      cancelRef.current?.focus();
    } else if (pendingConfirm === undefined && d.open) d.close();
  }, [pendingConfirm]);
  return (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        pendingConfirm?.resolve(false);
      }}
    >
      {pendingConfirm !== undefined && (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            pendingConfirm.resolve(true);
          }}
        >
          <h2 id="confirm-title">{pendingConfirm.title}</h2>
          <p>{pendingConfirm.body}</p>
          <div className="row end">
            <button type="button" ref={cancelRef} onClick={() => pendingConfirm.resolve(false)}>
              Cancel
            </button>
            <button type="submit" className="danger">
              {pendingConfirm.action}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
