// Orders are referred to by slot, an index into the order store's columns. Level queues, the parked
// stop lists and each account's order list link slots through the store; `NIL` ends a link.

export const NIL = -1;
