-- POST /chat/messages: each seeded account in turn sends a message to its friend.
-- wrk -s chat_send.lua http://127.0.0.1:PORT/chat/messages -- PEOPLE_FILE
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local people = require("people")
local next_person

function init(args)
  next_person = people.from_args(args)
end

function request()
  local me = next_person()
  local body = '{"to": ' .. me.friend .. ', "text": "benchmark message"}'
  return wrk.format("POST", "/chat/messages", people.headers(me), body)
end
