// Public surface of market surveillance: the detectors' engine, its alerts and their evidence, and the
// per-market thresholds with their documented defaults.

export {
  type Alert,
  ALERT_KINDS,
  type AlertKind,
  type FillEvidence,
  type OrderEvidence,
} from './alerts.ts';
export { Surveillance, type SurveillanceOptions, type SurveilledCommand } from './surveillance.ts';
export {
  DEFAULT_THRESHOLDS,
  THRESHOLD_KEYS,
  type Thresholds,
  withOverrides,
} from './thresholds.ts';
