-- Drives a headless Neovim through the user's path: the editor config from editors/neovim attaches
-- async-doctor to a Rust buffer, the buffer is edited without saving, a code action is applied.
-- Writes what Neovim received as JSON to $ASYNC_DOCTOR_NVIM_OUT, then quits without saving.
local out_path = vim.env.ASYNC_DOCTOR_NVIM_OUT
local result = { steps = {} }

local function finish(err)
  if err then result.error = err end
  local file = io.open(out_path, "w")
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd("qa!")
end

local function diagnostics(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(list, { lnum = d.lnum, col = d.col, source = d.source, code = d.code or lsp.code, message = d.message })
  end
  return list
end

local function has(bufnr, lnum, code)
  for _, d in ipairs(diagnostics(bufnr)) do
    if d.lnum == lnum and d.code == code then return true end
  end
  return false
end

local ok, err = pcall(function()
  vim.cmd("filetype on")
  dofile(vim.env.ASYNC_DOCTOR_NVIM_CONFIG)
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.ASYNC_DOCTOR_NVIM_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[bufnr].filetype

  assert(vim.wait(30000, function() return #vim.lsp.buf_get_clients(bufnr) > 0 end, 50), "no LSP client attached")
  local client = vim.lsp.buf_get_clients(bufnr)[next(vim.lsp.buf_get_clients(bufnr))]
  result.client = client.name
  assert(vim.wait(60000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50), "no diagnostics received")
  result.initial = diagnostics(bufnr)

  -- Edit without saving: a blocking call typed into an async fn.
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local tick
  for i, line in ipairs(lines) do
    if line:find("interval.tick().await;", 1, true) then tick = i end
  end
  vim.api.nvim_buf_set_lines(bufnr, tick, tick, false, { "        std::thread::sleep(Duration::from_millis(5));" })
  result.edited_line = tick -- 0-based index of the inserted line
  assert(vim.wait(60000, function() return has(bufnr, tick, "blocking-in-async") end, 50), "no diagnostic for the edited line")
  result.after_edit = diagnostics(bufnr)
  result.modified = vim.bo[bufnr].modified

  -- The code actions on that line; apply the rule's fix.
  vim.api.nvim_win_set_cursor(0, { tick + 1, 10 })
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr) }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, 30000) or {}
  result.actions = {}
  local chosen
  for _, response in pairs(responses) do
    for _, action in ipairs(response.result or {}) do
      table.insert(result.actions, action.title)
      if action.isPreferred and action.title:find("tokio::time::sleep", 1, true) then chosen = action end
    end
  end
  assert(chosen, "no preferred tokio::time::sleep fix offered")
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or "utf-16")
  result.fixed_line = vim.api.nvim_buf_get_lines(bufnr, tick, tick + 1, false)[1]
  assert(vim.wait(60000, function() return not has(bufnr, tick, "blocking-in-async") end, 50), "the fixed finding stayed")
  result.after_fix = diagnostics(bufnr)
end)

finish(not ok and tostring(err) or nil)
