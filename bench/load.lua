-- wrk script of bench/pages.py: requests paths read from $WRK_PATHS at random, prints the
-- latency percentiles as one RESULT line of JSON.
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end

init = function(args)
  math.randomseed(math.floor(os.clock() * 1000000) + #paths)
end

request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end

done = function(summary, latency, requests)
  io.write(string.format(
    'RESULT {"p50": %d, "p95": %d, "p99": %d, "requests": %d, "duration_us": %d, ' ..
    '"socket_errors": %d, "status_errors": %d, "timeouts": %d}\n',
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    summary.duration, summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
