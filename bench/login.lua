-- wrk script: POST a login and count answers by status.
-- Usage: wrk -s bench/login.lua URL -- EMAIL PASSWORD
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local email = args[1] or "bench@example.com"
  local password = args[2] or "violet tractor sundial"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = string.format('{"email":"%s","password":"%s"}', email, password)
  ok, unauthorized, limited, unavailable, other = 0, 0, 0, 0, 0
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1
  elseif status == 401 then unauthorized = unauthorized + 1
  elseif status == 429 then limited = limited + 1
  elseif status == 503 then unavailable = unavailable + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local totals = { ok = 0, unauthorized = 0, limited = 0, unavailable = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + (thread:get(name) or 0)
    end
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "answers: 200=%d 401=%d 429=%d 503=%d other=%d; 200 per second: %.1f; p50 %.1f ms, p99 %.1f ms\n",
    totals.ok, totals.unauthorized, totals.limited, totals.unavailable, totals.other,
    totals.ok / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
