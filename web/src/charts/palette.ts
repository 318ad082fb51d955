// Okabe & Ito's colour-blind-safe palette (Okabe & Ito 2008, "Color
// Universal Design"), the one every chart draws from.
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
} as const;

/** The KV-cache block states, in the report's state_names order where known. */
export const KV_STATE_COLOURS: Record<string, string> = {
  free: '#EEEEEE',
  stored: OKABE_ITO.blue,
  reserved: OKABE_ITO.skyBlue,
  internal: OKABE_ITO.orange,
  external: OKABE_ITO.vermillion,
  cached: OKABE_ITO.green,
};
