-- The seeded accounts a wrk thread acts as, one after another, request by request.
--
-- The people file (written by benchmarks/server_throughput.py) has one account a line:
-- "id<TAB>bearer token<TAB>friend's id". Every thread of wrk has a Lua state of its own, so
-- each loads the file once, in init().
local people = {}

function people.load(path)
  local list = {}
  for line in io.lines(path) do
    local id, token, friend = line:match("^(%d+)\t(%S+)\t(%d+)$")
    if id == nil then
      error("people file " .. path .. ": bad line '" .. line .. "'")
    end
    list[#list + 1] = { id = id, token = token, friend = friend }
  end
  if #list == 0 then
    error("people file " .. path .. " names nobody")
  end
  return list
end

-- A function returning the next person in turn, round the list for ever.
function people.cycle(list)
  local n = 0
  return function()
    n = n % #list + 1
    return list[n]
  end
end

function people.headers(person)
  return { ["Authorization"] = "Bearer " .. person.token, ["Content-Type"] = "application/json" }
end

-- Loads the people file named by wrk's first script argument (`wrk ... -- FILE`).
function people.from_args(args)
  if args[1] == nil then
    error("usage: wrk -s SCRIPT URL -- PEOPLE_FILE")
  end
  return people.cycle(people.load(args[1]))
end

return people
