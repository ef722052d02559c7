-- POST /wallets/{id}/gifts: each seeded account in turn gives its friend one fen, every
-- request under a fresh Idempotency-Key (never a retry), unique across wrk's threads and
-- across runs: "<run nonce>-<thread>-<n>".
-- wrk -s gift.lua http://127.0.0.1:PORT/wallets -- PEOPLE_FILE RUN_NONCE
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local people = require("people")
local next_person
local key_prefix
local sent = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  next_person = people.from_args(args)
  if args[2] == nil then
    error("usage: wrk -s gift.lua URL -- PEOPLE_FILE RUN_NONCE")
  end
  key_prefix = args[2] .. "-" .. thread_number .. "-"
end

function request()
  local me = next_person()
  sent = sent + 1
  local headers = people.headers(me)
  headers["Idempotency-Key"] = key_prefix .. sent
  local body = '{"recipient_id": ' .. me.friend .. ', "amount_fen": 1}'
  return wrk.format("POST", "/wallets/" .. me.id .. "/gifts", headers, body)
end
