-- The GCRA of dev.sluice.ratelimit.Gcra, in Redis, on Redis's own clock (TIME), in microseconds.
-- A bucket is a hash {t = theoretical arrival time in whole us, r = remainder in 1/limit us}; it
-- expires when it is full again. Integers stay below 2^53, so Lua's doubles hold them exactly.
-- Numbers are written with %.0f: Lua's default conversion keeps only 14 digits.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local period = tonumber(ARGV[2])

local function load(key)
  local v = redis.call('HMGET', key, 't', 'r')
  if not v[1] then
    return now, 0
  end
  local tat, rem = tonumber(v[1]), tonumber(v[2])
  if tat < now then
    return now, 0
  end
  return tat, rem
end

local function add(tat, rem, limit, cost)
  local stepWhole = math.floor(period / limit)
  local stepRem = period % limit
  local whole = math.floor(cost / limit) * period + (cost % limit) * stepWhole
  local r = (cost % limit) * stepRem
  whole = whole + math.floor(r / limit)
  r = r % limit + rem
  if r >= limit then
    r = r - limit
    whole = whole + 1
  end
  return tat + whole, r
end

local function fits(tat, rem)
  local d = tat - now
  return d < period or (d == period and rem == 0)
end

local function excess(tat, rem)
  local over = tat - now - period
  if rem > 0 then over = over + 1 end
  return over
end

local function remaining(tat, rem, limit)
  local free = period - (tat - now)
  if free <= 0 then return 0 end
  return math.max(0, math.floor((free * limit - rem) / period))
end

local function untilFull(tat, rem)
  local d = tat - now
  if rem > 0 then d = d + 1 end
  return d
end

local function store(key, tat, rem)
  redis.call('HSET', key, 't', string.format('%.0f', tat), 'r', string.format('%.0f', rem))
  redis.call('PEXPIRE', key, math.floor(untilFull(tat, rem) / 1000) + 2)
end

local mode = ARGV[1]
if mode == 'debit' then
  -- KEYS[1] token bucket; ARGV: 'debit', period, limit, cost, max debt in periods
  local limit, cost, maxDebt = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
  local tat, rem = load(KEYS[1])
  tat, rem = add(tat, rem, limit, math.min(cost, maxDebt * limit))
  if tat - now > maxDebt * period then
    tat, rem = now + maxDebt * period, 0
  end
  store(KEYS[1], tat, rem)
  return 1
end

-- 'admit': KEYS[1] request bucket, KEYS[2] token bucket (only when token-metered);
-- ARGV: 'admit', period, request limit, token limit (0 = not token-metered)
-- Returns the two decisions {allowed, remaining, reset us, retry us} and TIME's seconds and us.
local requestLimit, tokenLimit = tonumber(ARGV[3]), tonumber(ARGV[4])
local tokOk, tokRemaining, tokReset, tokRetry = 1, 0, 0, 0
if tokenLimit > 0 then
  local tat, rem = load(KEYS[2])
  local nt, nr = add(tat, rem, tokenLimit, 1)
  tokOk = fits(nt, nr) and 1 or 0
  tokRemaining = remaining(tat, rem, tokenLimit)
  tokReset = untilFull(tat, rem)
  if tokOk == 0 then tokRetry = excess(nt, nr) end
end
local tat, rem = load(KEYS[1])
local nt, nr = add(tat, rem, requestLimit, 1)
local reqOk, reqRemaining, reqReset, reqRetry
if fits(nt, nr) then
  reqOk, reqRetry = 1, 0
  if tokOk == 1 then
    store(KEYS[1], nt, nr)
    reqRemaining, reqReset = remaining(nt, nr, requestLimit), untilFull(nt, nr)
  else
    reqRemaining, reqReset = remaining(tat, rem, requestLimit), untilFull(tat, rem)
  end
else
  reqOk, reqRetry = 0, excess(nt, nr)
  reqRemaining, reqReset = remaining(tat, rem, requestLimit), untilFull(tat, rem)
end
return {reqOk, reqRemaining, reqReset, reqRetry, tokOk, tokRemaining, tokReset, tokRetry,
        tonumber(time[1]), tonumber(time[2])}
