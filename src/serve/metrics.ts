// Prometheus metrics, hand-written exposition (text format 0.0.4): request counts by route,
// method and status; latency histograms by route; the served model version; reloads.

/** Latency buckets in seconds (upper bounds). */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface Histogram {
  counts: Float64Array;
  sum: number;
  count: number;
}

/** In-process metric registry of the service. */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly reloads = new Map<string, number>();
  modelVersion = '';
  modelLoadedAt = 0;

  /** Records one finished request. seconds: its duration. */
  observe(route: string, method: string, status: number, seconds: number): void {
    const key = `route="${esc(route)}",method="${method}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const hk = `route="${esc(route)}"`;
    let h = this.latency.get(hk);
    if (!h) this.latency.set(hk, h = { counts: new Float64Array(LATENCY_BUCKETS.length), sum: 0, count: 0 });
    for (let b = 0; b < LATENCY_BUCKETS.length; b++) if (seconds <= LATENCY_BUCKETS[b]) h.counts[b]++;
    h.sum += seconds;
    h.count++;
  }

  /** Records a reload attempt. */
  reload(result: 'ok' | 'failed'): void {
    this.reloads.set(result, (this.reloads.get(result) ?? 0) + 1);
  }

  /** Prometheus text exposition. `extra` = already formatted lines (e.g. feature store gauges). */
  render(extra: string[] = []): string {
    const L: string[] = [];
    L.push('# HELP hgrec_http_requests_total HTTP requests by route, method and status.', '# TYPE hgrec_http_requests_total counter');
    for (const [k, v] of this.requests) L.push(`hgrec_http_requests_total{${k}} ${v}`);
    L.push('# HELP hgrec_http_request_duration_seconds Request latency by route.', '# TYPE hgrec_http_request_duration_seconds histogram');
    for (const [k, h] of this.latency) {
      for (let b = 0; b < LATENCY_BUCKETS.length; b++) L.push(`hgrec_http_request_duration_seconds_bucket{${k},le="${LATENCY_BUCKETS[b]}"} ${h.counts[b]}`);
      L.push(`hgrec_http_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`);
      L.push(`hgrec_http_request_duration_seconds_sum{${k}} ${h.sum}`);
      L.push(`hgrec_http_request_duration_seconds_count{${k}} ${h.count}`);
    }
    L.push('# HELP hgrec_model_info The served model version (value 1).', '# TYPE hgrec_model_info gauge');
    if (this.modelVersion) L.push(`hgrec_model_info{model_version="${esc(this.modelVersion)}"} 1`);
    L.push('# HELP hgrec_model_loaded_timestamp_seconds When the served bundle was loaded.', '# TYPE hgrec_model_loaded_timestamp_seconds gauge');
    L.push(`hgrec_model_loaded_timestamp_seconds ${this.modelLoadedAt / 1000}`);
    L.push('# HELP hgrec_model_reloads_total Bundle reload attempts by result.', '# TYPE hgrec_model_reloads_total counter');
    for (const r of ['ok', 'failed']) L.push(`hgrec_model_reloads_total{result="${r}"} ${this.reloads.get(r) ?? 0}`);
    L.push(...extra);
    return L.join('\n') + '\n';
  }
}

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
