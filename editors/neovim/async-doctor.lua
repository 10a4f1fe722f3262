-- async-doctor's language server in Neovim (0.7 or newer), next to rust-analyzer.
--
-- Install: copy this file to ~/.config/nvim/plugin/async-doctor.lua (or `dofile` it from init.lua).
-- `async-doctor` must be on PATH (npm install -g async-doctor), or set the command first:
--   vim.g.async_doctor = { cmd = { "npx", "async-doctor", "lsp" } }
-- Other options (all optional), read when the first Rust buffer opens:
--   vim.g.async_doctor = {
--     cmd = { "async-doctor", "lsp" },
--     init_options = { inlayHints = true, debounceMs = 15 },  -- see docs/editors.md
--   }
-- Works alongside rust-analyzer: each buffer gets both clients; async-doctor only adds its findings.

local function options()
  local user = vim.g.async_doctor or {}
  return {
    cmd = user.cmd or { "async-doctor", "lsp" },
    init_options = user.init_options or {},
    settings = user.settings or {},
  }
end

local function exists(path)
  return vim.loop.fs_stat(path) ~= nil
end

local function is_workspace_manifest(path)
  local file = io.open(path, "r")
  if not file then return false end
  local text = file:read("*a")
  file:close()
  return text:match("%[workspace%]") ~= nil
end

-- The folder to index: the Cargo workspace around the file (the outermost Cargo.toml with
-- [workspace]), else the nearest crate (Cargo.toml), else the file's folder.
local function root_dir(file)
  local dir = vim.fn.fnamemodify(file, ":p:h")
  local nearest, workspace
  while true do
    local manifest = dir .. "/Cargo.toml"
    if exists(manifest) then
      nearest = nearest or dir
      if is_workspace_manifest(manifest) then workspace = dir end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then break end
    dir = parent
  end
  return workspace or nearest or vim.fn.fnamemodify(file, ":p:h")
end

local clients = {} -- root -> client id (Neovim 0.7, which has no vim.lsp.start)

local function attach(bufnr)
  local file = vim.api.nvim_buf_get_name(bufnr)
  if file == "" or vim.bo[bufnr].buftype ~= "" then return end
  local opts = options()
  local root = root_dir(file)
  local config = {
    name = "async-doctor",
    cmd = opts.cmd,
    root_dir = root,
    init_options = opts.init_options,
    settings = { asyncDoctor = opts.settings },
  }
  if vim.lsp.start then
    -- Neovim 0.8+: reuses the running client of the same name and root.
    vim.lsp.start(config, { bufnr = bufnr })
    return
  end
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(config)
    clients[root] = id
  end
  if id then vim.lsp.buf_attach_client(bufnr, id) end
end

vim.api.nvim_create_autocmd("FileType", {
  pattern = "rust",
  group = vim.api.nvim_create_augroup("async_doctor_lsp", { clear = true }),
  callback = function(args) attach(args.buf) end,
})
