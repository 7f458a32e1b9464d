-- wrk script: POST an Open Inference Protocol request with binary tensor data (Triton/KServe's binary extension).
-- BODY names the file (JSON header followed by the tensor bytes); HEADER_LENGTH is the JSON header's length in bytes.
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.headers["Inference-Header-Content-Length"] = assert(os.getenv("HEADER_LENGTH"))
