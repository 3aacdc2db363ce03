-- wrk's end-of-run summary as one machine-readable line (wrk --latency prints no p95):
--   WRK requests=N seconds=S rps=R p50_ms=… p95_ms=… p99_ms=… max_ms=… non2xx=N
--       connect_errors=N read_errors=N write_errors=N timeouts=N
-- Loaded on its own by http_libraries.sh, and by serve_load.lua, which adds the requests.
function done(summary, latency, requests)
   local s = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "WRK requests=%d seconds=%.2f rps=%.1f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
      "non2xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
      summary.requests, s, summary.requests / s,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000,
      e.status, e.connect, e.read, e.write, e.timeout))
end
