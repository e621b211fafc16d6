// Public surface of the clustered core: the NATS protocol engine nodes speak, the fenced etcd log, the
// election and the engine node itself.
export * from './protocol.ts';
