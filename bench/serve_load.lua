-- wrk script of bench/serve_load.sh: cycles through the request targets in the file named by
-- LUPE_WRK_TARGETS (one "/api/...?..." per line, already url-encoded), each thread starting
-- at its own offset, and prints wrk_report.lua's summary line (LUPE_WRK_REPORT names it).
dofile(os.getenv("LUPE_WRK_REPORT"))

local targets = {}
for line in io.lines(os.getenv("LUPE_WRK_TARGETS")) do
   if line ~= "" then targets[#targets + 1] = line end
end
assert(#targets > 0, "no request targets in " .. os.getenv("LUPE_WRK_TARGETS"))

local thread_count = 0
function setup(thread)
   thread:set("offset", thread_count * 7919)
   thread_count = thread_count + 1
end

local i = 0
function request()
   i = i + 1
   return wrk.format("GET", targets[(i + (offset or 0)) % #targets + 1])
end
