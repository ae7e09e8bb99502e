-- Test driver for docs/editors/neovim.md. run.sh makes the page's `elitea-test` blocks the
-- init.lua of a throwaway XDG_CONFIG_HOME, so they load exactly as a user's config would; this
-- file runs after them (nvim -c 'luafile ...') and only observes and calls what the page set up.
-- It writes one line per check to $ELITEA_RESULT_FILE ("PASS name" / "FAIL name: why") and
-- never a token value. Every wait has a timeout, so a hang is a FAIL, not a stuck CI.

local out = assert(io.open(assert(os.getenv('ELITEA_RESULT_FILE')), 'a'))
local folder = assert(os.getenv('ELITEA_WORKSPACE')) -- has a space in its name
local function report(ok, name, why)
  out:write((ok and 'PASS ' or 'FAIL ') .. name .. ((not ok and why) and (': ' .. why) or '') .. '\n')
  out:flush()
  return ok
end

-- Captured before anything starts, so nothing the server sends early is missed.
local warnings = {}
-- Replaces the vim.ui.select prompt (which would wait for a key in a headless editor):
-- records the request and answers "dismissed" (null), as a user pressing Esc would.
vim.lsp.handlers['window/showMessageRequest'] = function(_, params, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client and client.name == 'elitea' then table.insert(warnings, params) end
  return vim.NIL
end
local progress_seen = false
vim.api.nvim_create_autocmd('LspProgress', {
  callback = function(ev)
    local client = vim.lsp.get_client_by_id(ev.data.client_id)
    if client and client.name == 'elitea' then progress_seen = true end
  end,
})

local function main()
  local file = folder .. '/.vscode/settings.json'
  vim.cmd.edit(vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()

  -- 1. The page's vim.lsp.config/vim.lsp.enable start the server for this buffer.
  local client
  local started = vim.wait(30000, function()
    client = vim.lsp.get_clients({ name = 'elitea', bufnr = buf })[1]
    return client ~= nil and client.initialized == true
  end, 100)
  if not report(started and client.server_info and client.server_info.name == 'elitea-tokens',
      'nvim: server starts from the page configuration',
      ('filetype=%s client=%s'):format(vim.bo[buf].filetype, client and client.name or 'none')) then
    return
  end
  local wf = client.workspace_folders or {}
  report(#wf == 1 and wf[1].name == folder, 'nvim: root_markers give the folder with a space as workspaceFolders',
    vim.inspect(wf))

  -- 2. Sign in to the embedded sandbox through the page's elitea_command helper.
  local signed, err = elitea_command('elitea.signIn', { serverUrl = 'sandbox', token = '' }, 90000)
  report(signed and type(signed.user) == 'table' and (signed.user.email or '') ~= '',
    'nvim: elitea.signIn (sandbox) answers a user', err)
  report(progress_seen, 'nvim: $/progress from the server reaches LspProgress')

  local status
  status, err = elitea_command('elitea.status', nil)
  report(status and status.signedIn == true and type(status.tokensInUse) == 'table',
    'nvim: elitea.status answers signedIn', err)
  -- The page's no-keyring block (secretsStore = 'file') reached the server as init_options.
  report(status and type(status.secretsStore) == 'string' and status.secretsStore:find('file', 1, true) ~= nil,
    "nvim: the page's init_options reach the server (status names the file store)",
    status and tostring(status.secretsStore))

  -- 3. A 5-minute token: its 1-hour threshold is already past, so a warning is due at once.
  local gen
  gen, err = elitea_command('elitea.generateToken',
    { name = 'short', expiration = { measure = 'minutes', value = 5 } })
  if not report(gen and type(gen.uuid) == 'string' and type(gen.token) == 'string',
      'nvim: elitea.generateToken answers a row and a value', err) then
    return
  end
  local list
  list, err = elitea_command('elitea.listTokens',
    { search = 'short', sortBy = 'expiration', order = 'asc', pageSize = 5, page = 0 })
  report(list and list.total == 1 and list.items[1] and list.items[1].uuid == gen.uuid
      and list.items[1].token == nil and list.items[1].masked:sub(1, 3) == '...',
    'nvim: elitea.listTokens finds the token by search, masked', err or (list and ('total=' .. tostring(list.total))))

  -- The page's :Elitea user command, as a user types it (JSON argument), answers the same.
  local shown = vim.fn.execute('Elitea listTokens {"search": "short", "pageSize": 5}')
  report(shown:find(gen.uuid, 1, true) ~= nil and shown:find('masked', 1, true) ~= nil,
    'nvim: the page :Elitea listTokens {json} command shows the token', #shown .. ' characters shown')

  -- 4. "Apply to workspace" with no path: only right if the server took the standard
  --    workspaceFolders and decoded "My%20Project" to the folder with the space.
  local applied
  applied, err = elitea_command('elitea.applySettings',
    { uuid = gen.uuid, ide = 'vscode', target = { kind = 'workspace' } })
  local want = folder .. '/.vscode/settings.json'
  local text = table.concat(vim.fn.readfile(want), '\n')
  report(applied and applied.path == want and text:find('"eliteacode.', 1, true) ~= nil,
    'nvim: applySettings to the workspace writes <folder with a space>/.vscode/settings.json',
    err or (applied and ('path=' .. tostring(applied.path))))

  -- 5. elitea/tokenStatus, through the page's handler, names the token and that file.
  local seen = vim.wait(30000, function()
    for _, t in ipairs(_G.elitea_tokens_in_use or {}) do
      if t.uuid == gen.uuid and vim.tbl_contains(t.files or {}, want) then return true end
    end
    return false
  end, 200)
  report(seen, 'nvim: elitea/tokenStatus lists the token in the workspace file',
    ('%d tokens in use'):format(#(_G.elitea_tokens_in_use or {})))
  report(seen and _G.elitea_statusline():find('ELITEA short', 1, true) ~= nil,
    'nvim: the page statusline shows the token', _G.elitea_statusline())

  -- 6. The expiry warning reaches the editor as window/showMessageRequest with actions
  --    carrying {title, action, uuid}.
  local warned = vim.wait(90000, function()
    for _, w in ipairs(warnings) do
      for _, a in ipairs(w.actions or {}) do
        if a.action == 'rotate' and a.uuid == gen.uuid and (a.title or '') ~= '' then return true end
      end
    end
    return false
  end, 200)
  report(warned, 'nvim: expiry warning arrives as showMessageRequest with rotate/uuid actions',
    ('%d requests seen'):format(#warnings))

  -- 7. The other settings files the page names get the same server (one client per folder).
  local others = {}
  for _, rel in ipairs({ 'team.code-workspace', '.idea/alita.xml' }) do
    vim.cmd.edit(vim.fn.fnameescape(folder .. '/' .. rel))
    local b = vim.api.nvim_get_current_buf()
    local got = vim.wait(15000, function()
      return vim.lsp.get_clients({ name = 'elitea', bufnr = b })[1] == client
    end, 100)
    if not got then table.insert(others, rel .. ' (filetype ' .. vim.bo[b].filetype .. ')') end
  end
  report(#others == 0, 'nvim: *.code-workspace and .idea/alita.xml attach to the same server',
    'not attached: ' .. table.concat(others, ', '))
end

local ok, e = xpcall(main, debug.traceback)
if not ok then report(false, 'nvim: driver error', tostring(e):gsub('\n', ' | ')) end
out:close()
-- Stop the server politely, then leave; run.sh's timeout covers a server that will not go.
for _, c in ipairs(vim.lsp.get_clients({ name = 'elitea' })) do c:stop() end
vim.wait(3000, function() return #vim.lsp.get_clients({ name = 'elitea' }) == 0 end, 100)
vim.cmd('qa!')
