/** An IPv4 range with its bounds as integers, for allocation and overlap checks. */
export interface Cidr {
  readonly cidr: string;
  readonly first: number;
  readonly last: number;
}


export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

export function intToIp(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export function parseCidr(cidr: string): Cidr {
  const [ip, bits] = cidr.split('/') as [string, string];
  const prefix = Number(bits);
  const size = 2 ** (32 - prefix);
  const first = Math.floor(ipToInt(ip) / size) * size;
  return { cidr, first, last: first + size - 1 };
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function contains(range: Cidr, ip: string): boolean {
  const value = ipToInt(ip);
  return value >= range.first && value <= range.last;
}

/** Istio's own DNS auto-allocation range; meshforge's VIPs must stay out of it. */
export const ISTIO_AUTO_ALLOCATION = parseCidr('240.240.0.0/16');
