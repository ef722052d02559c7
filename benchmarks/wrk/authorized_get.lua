-- GET wrk's URL as the seeded accounts in turn, each with its own bearer token.
-- wrk -s authorized_get.lua http://127.0.0.1:PORT/timeline/home -- PEOPLE_FILE
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local people = require("people")
local next_person

function init(args)
  next_person = people.from_args(args)
end

function request()
  return wrk.format("GET", nil, people.headers(next_person()))
end
