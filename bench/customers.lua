-- wrk script: POST new customer records, each with its own email, and count answers by status.
-- Usage: wrk -s bench/customers.lua URL -- TOKEN [SHARED]
-- With SHARED = N, the emails cycle through N addresses that every connection sends too, so
-- most answers are 409 (the email is taken): the case that once starved the pool.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  shared = tonumber(args[2] or "0")
  prefix = string.format("%d-%d-%d", os.time(), id, math.random(1, 1000000000))
  created, taken, unavailable, other = 0, 0, 0, 0
end

function request()
  counter = counter + 1
  local email
  if shared > 0 then
    email = string.format("shared%d@bench.example", counter % shared)
  else
    email = string.format("c%s-%d@bench.example", prefix, counter)
  end
  local body = string.format('{"given_name":"Ana","family_name":"Bench","email":"%s"}', email)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 409 then taken = taken + 1
  elseif status == 503 then unavailable = unavailable + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local totals = { created = 0, taken = 0, unavailable = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + (thread:get(name) or 0)
    end
  end
  io.write(string.format("answers: 201=%d 409=%d 503=%d other=%d\n",
    totals.created, totals.taken, totals.unavailable, totals.other))
end
