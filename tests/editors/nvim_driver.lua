-- Test driver for docs/editors/neovim.md. run.sh makes the page's `elitea-test` blocks the
-- init.lua of a throwaway XDG_CONFIG_HOME, so they load exactly as a user's config would; this
-- file runs after them (nvim -c 'luafile ...') and only observes and calls what the page set up.
-- It writes one line per check to $ELITEA_RESULT_FILE ("PASS name" / "FAIL name: why") and
-- never a token value. Every wait has a timeout, so a hang is a FAIL, not a stuck CI.

local out = assert(io.open(assert(os.getenv('ELITEA_RESULT_FILE')), 'a'))
local folder = assert(os.getenv('ELITEA_WORKSPACE')) -- has a space in its name
local function report(ok, name, why)
  why = why and tostring(why):gsub('\\?\n', ' | ') -- one line per check, whatever `why` holds
  out:write((ok and 'PASS ' or 'FAIL ') .. name .. ((not ok and why) and (': ' .. why) or '') .. '\n')
  out:flush()
  return ok
end

-- Captured before anything starts, so nothing the server sends early is missed.
local warnings = {}
-- Replaces the vim.ui.select prompt (which would wait for a key in a headless editor):
-- records the request and answers "dismissed" (null), as a user pressing Esc would; the one
-- exception is the expiry question of "Replace with a new token…", answered "7 days".
vim.lsp.handlers['window/showMessageRequest'] = function(_, params, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client and client.name == 'elitea' then table.insert(warnings, params) end
  for _, a in ipairs(params.actions or {}) do
    if a.title == '7 days' and (params.message or ''):find('When should it expire?', 1, true) then
      return a
    end
    -- The leak guard's one confirmation, accepted as a user clicking it would.
    if a.action == 'revoke' then return a end
  end
  return vim.NIL
end
-- workspace/applyEdit from the server, counted on the way to Neovim's own handler (which
-- changes the buffer), so the rotate check knows the edit came that way.
local apply_edits = 0
local default_apply_edit = vim.lsp.handlers['workspace/applyEdit']
vim.lsp.handlers['workspace/applyEdit'] = function(err, params, ctx, config)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client and client.name == 'elitea' then apply_edits = apply_edits + 1 end
  return default_apply_edit(err, params, ctx, config)
end
local progress_seen = false
vim.api.nvim_create_autocmd('LspProgress', {
  callback = function(ev)
    local client = vim.lsp.get_client_by_id(ev.data.client_id)
    if client and client.name == 'elitea' then progress_seen = true end
  end,
})

-- A JWT (a token value) anywhere in a text: never written to the results, only its absence.
local function hide_values(text)
  return (tostring(text):gsub('eyJ[%w_%-]+%.[%w_%-]+%.?[%w_%-]*', '<token value>'))
end

-- Opens `path` in a window, waits until the elitea client is attached there.
local function open_attached(client, path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  local b = vim.api.nvim_get_current_buf()
  local ok = vim.wait(15000, function()
    return vim.lsp.get_clients({ name = 'elitea', bufnr = b })[1] == client
  end, 100)
  return b, ok
end

-- The elitea diagnostics of `b` with `code`, waiting up to 15 s for the first.
local function elitea_diagnostics(b, code)
  local found = {}
  vim.wait(15000, function()
    found = vim.tbl_filter(function(d) return d.source == 'elitea' and d.code == code end,
      vim.diagnostic.get(b))
    return #found > 0
  end, 100)
  return found
end

local function describe(ds, b)
  local all = vim.tbl_map(function(d)
    return ('%s/%s %d:%d-%d:%d %q'):format(tostring(d.source), tostring(d.code), d.lnum, d.col,
      d.end_lnum, d.end_col, hide_values(d.message))
  end, ds or vim.diagnostic.get(b))
  return #all .. ' diagnostics: ' .. table.concat(all, '; ')
end

-- 8. The settings files as documents: diagnostics, hover and the rotate quick fix, on what
--    the page's configuration attaches (the server is the one already running).
local function documents(client)
  -- (a) A masked value, as the token list shows it, pasted into a settings.json of the folder
  --     with a space. Non-ASCII text before it on the same line: the columns must still be
  --     the value's (the server counts UTF-16 or what was negotiated, Neovim bytes).
  vim.fn.mkdir(folder .. '/masked', 'p')
  local masked_path = folder .. '/masked/settings.json'
  local masked_line = '  "alitacode.displayName": "Café ☕", "alitacode.authToken": "...ab12"'
  vim.fn.writefile({ '{', '  // the masked form, pasted from the token list', masked_line .. ',',
    '  "eliteacode.LLMServerUrl": "", "eliteacode.LLMModelName": ""', '}' }, masked_path)
  local mb, attached = open_attached(client, masked_path)
  local quote = masked_line:find('"...ab12"', 1, true) -- 1-based index of the opening quote
  local want = { lnum = 2, col = quote, end_lnum = 2, end_col = quote + #'...ab12' }
  local masked = elitea_diagnostics(mb, 'tokenMasked')
  local d = masked[1]
  report(attached and #masked == 1 and d.lnum == want.lnum and d.col == want.col
      and d.end_lnum == want.end_lnum and d.end_col == want.end_col
      and d.severity == vim.diagnostic.severity.ERROR,
    'nvim: a masked "...ab12" value gets an elitea tokenMasked error on its exact range',
    ('attached=%s, want %d:%d-%d:%d; %s'):format(tostring(attached), want.lnum, want.col,
      want.end_lnum, want.end_col, describe(nil, mb)))

  -- Completion in the empty URL and model values (what <C-x><C-o> asks): the signed-in
  -- server's URL, and the model names of elitea.listModels.
  local function labels(character)
    local got = vim.lsp.buf_request_sync(mb, 'textDocument/completion', {
      textDocument = { uri = vim.uri_from_bufnr(mb) }, position = { line = 3, character = character },
    }, 15000)
    local r = got and got[client.id] and got[client.id].result or {}
    return vim.tbl_map(function(i) return i.label end, r.items or r)
  end
  local url_line = '  "eliteacode.LLMServerUrl": "", "eliteacode.LLMModelName": ""'
  local urls = labels(#'  "eliteacode.LLMServerUrl": "')
  local models = labels(#url_line - 1)
  local status = elitea_command('elitea.status', nil) or {}
  local listed = elitea_command('elitea.listModels', nil) or {}
  local model_names = vim.tbl_map(function(m) return m.name end, listed.items or {})
  table.sort(models)
  table.sort(model_names)
  report(#urls == 1 and urls[1] == status.serverUrl and #model_names > 0
      and vim.deep_equal(models, model_names),
    'nvim: completion offers the signed-in server URL in a URL key and the model names in a model key',
    ('urls=%s (server %s), models=%s (listModels %s)'):format(vim.inspect(urls),
      tostring(status.serverUrl), vim.inspect(models), vim.inspect(model_names)))

  -- (b) A token of 3 days, written into a second .json file (not named settings.json: any
  --     .json with alitacode./eliteacode. keys is one of the server's documents).
  local gen, err = elitea_command('elitea.generateToken',
    { name = 'nvim-3days', expiration = { measure = 'days', value = 3 } })
  if not report(gen and type(gen.token) == 'string' and gen.token:sub(1, 3) == 'eyJ',
      'nvim: elitea.generateToken answers a 3-day token', err) then
    return
  end
  local value = gen.token
  vim.fn.mkdir(folder .. '/team', 'p')
  local dev_path = folder .. '/team/elitea-dev.json'
  vim.fn.writefile({ '{', '  "eliteacode.LLMAuthToken": "' .. value .. '"', '}' }, dev_path)
  local db
  db, attached = open_attached(client, dev_path)
  local line = vim.api.nvim_buf_get_lines(db, 1, 2, false)[1] or ''
  local vcol = (line:find(value, 1, true) or 0) - 1 -- 0-based start of the value
  local expiring = elitea_diagnostics(db, 'tokenExpiring')
  d = expiring[1]
  report(attached and #expiring == 1 and d.severity == vim.diagnostic.severity.WARN
      and d.lnum == 1 and d.col == vcol and d.end_col == vcol + #value
      and d.message:find('expires in 3 days', 1, true) ~= nil,
    'nvim: a 3-day token gets an elitea tokenExpiring warning "... expires in 3 days" on its range',
    ('attached=%s, want 1:%d-1:%d; %s'):format(tostring(attached), vcol, vcol + #value,
      describe(nil, db)))

  -- (c) Hover on the value: the token's name, never the value.
  local uri = vim.uri_from_bufnr(db)
  local answers = vim.lsp.buf_request_sync(db, 'textDocument/hover',
    { textDocument = { uri = uri }, position = { line = 1, character = vcol + 10 } }, 15000)
  local hover = answers and answers[client.id] and answers[client.id].result
  local text = ''
  if type(hover) == 'table' and hover.contents then
    local c = hover.contents
    text = type(c) == 'string' and c or (c.value or vim.inspect(c))
  end
  report(text:find('nvim-3days', 1, true) ~= nil and text:find(value, 1, true) == nil
      and text:find('eyJ', 1, true) == nil,
    'nvim: hover on the token value names the token and never shows the value',
    (text:find(value, 1, true) or text:find('eyJ', 1, true)) and 'the hover shows a token value'
      or ('hover: %q'):format(hide_values(text)))

  -- (d) Code actions at the diagnostic: the rotate quick fix, run as a user does
  --     (vim.lsp.buf.code_action, apply = true). Its change to this open buffer must arrive as
  --     workspace/applyEdit: the buffer gets the new token, unsaved, and the file on disk keeps
  --     the old one until the user writes it.
  local rotate_title = "^Rotate 'nvim%-3days' %(new token here and in %d+ other files?%)$"
  local actions = {}
  if d then
    answers = vim.lsp.buf_request_sync(db, 'textDocument/codeAction', {
      textDocument = { uri = uri },
      range = d.user_data and d.user_data.lsp and d.user_data.lsp.range
        or { start = { line = 1, character = vcol }, ['end'] = { line = 1, character = vcol + #value } },
      context = { diagnostics = { d.user_data and d.user_data.lsp }, only = { 'quickfix' } },
    }, 15000)
    actions = answers and answers[client.id] and answers[client.id].result or {}
  end
  local rotate
  for _, a in ipairs(actions) do
    if (a.title or ''):match(rotate_title) and a.kind == 'quickfix' and type(a.command) == 'table'
        and a.command.command == 'elitea.rotateToken' then
      rotate = a
    end
  end
  report(rotate ~= nil,
    "nvim: code actions on the expiring token offer the quickfix \"Rotate 'nvim-3days' (new token here and in N other files)\"",
    ('%d actions: %s'):format(#actions, table.concat(vim.tbl_map(function(a)
      return ('%q (%s, %s)'):format(a.title or '?', tostring(a.kind),
        type(a.command) == 'table' and a.command.command or 'no command')
    end, actions), '; ')))
  if not rotate then return end

  local edits_before = apply_edits
  vim.api.nvim_win_set_cursor(0, { 2, vcol + 10 })
  vim.lsp.buf.code_action({
    apply = true,
    context = { only = { 'quickfix' } },
    filter = function(a) return (a.title or ''):match(rotate_title) ~= nil end,
  })
  local new_line
  local rotated = vim.wait(60000, function()
    new_line = vim.api.nvim_buf_get_lines(db, 1, 2, false)[1] or ''
    return new_line:find(value, 1, true) == nil and new_line:find('"eyJ', 1, true) ~= nil
  end, 200)
  report(rotated and apply_edits > edits_before,
    'nvim: running the rotate action puts a different token in the open buffer through workspace/applyEdit',
    ('changed=%s, applyEdit requests=%d'):format(tostring(rotated), apply_edits - edits_before))
  local disk = table.concat(vim.fn.readfile(dev_path), '\n')
  report(rotated and vim.bo[db].modified and disk:find(value, 1, true) ~= nil,
    'nvim: the rotated buffer is left unsaved (modified; the file on disk unchanged until :write)',
    ('modified=%s, disk holds the old value=%s'):format(tostring(vim.bo[db].modified),
      tostring(disk:find(value, 1, true) ~= nil)))
  if not rotated then return end

  -- (e) "Replace with a new token…" on the replacement (3 days again, so still expiring), run
  --     the same way: the server asks the expiry (showMessageRequest, answered "7 days"), then
  --     writes a third token in this buffer through workspace/applyEdit.
  local rotated_value = new_line:match('"(eyJ[^"]*)"')
  vim.wait(15000, function()
    for _, x in ipairs(vim.diagnostic.get(db)) do
      if x.source == 'elitea' and x.code == 'tokenExpiring' and x.message:find("nvim%-3days%-") then
        return true
      end
    end
    return false
  end, 200)
  local asked_before, edits_before2 = #warnings, apply_edits
  vim.api.nvim_win_set_cursor(0, { 2, vcol + 10 })
  vim.lsp.buf.code_action({
    apply = true,
    context = { only = { 'quickfix' } },
    filter = function(a) return a.title == 'Replace with a new token…' end,
  })
  local replaced_line
  local replaced = vim.wait(60000, function()
    replaced_line = vim.api.nvim_buf_get_lines(db, 1, 2, false)[1] or ''
    return rotated_value ~= nil and replaced_line:find(rotated_value, 1, true) == nil
      and replaced_line:find('"eyJ', 1, true) ~= nil
  end, 200)
  local question = warnings[asked_before + 1]
  report(replaced and apply_edits > edits_before2 and question ~= nil
      and (question.message or ''):find('When should it expire?', 1, true) ~= nil,
    'nvim: "Replace with a new token…" asks the expiry, then puts a new token in the buffer through workspace/applyEdit',
    ('changed=%s, applyEdit requests=%d, question=%s'):format(tostring(replaced),
      apply_edits - edits_before2, question and hide_values(question.message) or 'none'))
end

-- 9. A legacy file (alitacode.* keys): settingsLegacy on each key, and the quick fix "Move to
--    today's ELITEA settings" run as a user does moves them in the buffer, comments kept.
local function migration(client)
  vim.fn.mkdir(folder .. '/legacy', 'p')
  local path = folder .. '/legacy/settings.json'
  vim.fn.writefile({ '{', '  // keep this comment', '  "alitacode.projectId": 3,',
    '  "alitacode.modelName": "gpt-5-mini",', '  "eliteacode.projectId": 3', '}' }, path)
  local b, attached = open_attached(client, path)
  local legacy = elitea_diagnostics(b, 'settingsLegacy')
  report(attached and #legacy == 2 and legacy[1].severity == vim.diagnostic.severity.INFO,
    'nvim: each alitacode.* key gets an elitea settingsLegacy note', describe(nil, b))
  if #legacy == 0 then return end
  vim.api.nvim_win_set_cursor(0, { legacy[1].lnum + 1, legacy[1].col })
  vim.lsp.buf.code_action({
    apply = true,
    context = { only = { 'quickfix' } },
    filter = function(a) return a.title == "Move to today's ELITEA settings" end,
  })
  local lines
  local moved = vim.wait(30000, function()
    lines = table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n')
    return lines:find('alitacode.', 1, true) == nil
  end, 200)
  report(moved and lines == table.concat({ '{', '  // keep this comment',
      '  "eliteacode.modelName": "gpt-5-mini",', '  "eliteacode.projectId": 3', '}' }, '\n'),
    "nvim: the settingsLegacy quick fix moves the keys to eliteacode.* in the buffer, comments kept",
    hide_values(lines))
end

-- 10. The leak guard: a token of the user's in app/config.py of the workspace (not a settings
--     file, not attached) gets tokenLeaked from the background scan; its "Revoke 'X' and
--     replace it" fix, asked of the server with that diagnostic and run through the client,
--     deletes it, writes a replacement into the workspace settings that held it, and empties
--     the value in config.py.
local function leaks(client)
  local gen, err = elitea_command('elitea.generateToken',
    { name = 'nvim-leaky', expiration = { measure = 'days', value = 30 } })
  if not report(gen and type(gen.token) == 'string', 'nvim: a token to leak', err) then return end
  local applied = elitea_command('elitea.applySettings',
    { uuid = gen.uuid, ide = 'vscode', target = { kind = 'workspace' }, allowTrackedFile = true })
  vim.fn.mkdir(folder .. '/app', 'p')
  local config = folder .. '/app/config.py'
  vim.fn.writefile({ 'ELITEA = "' .. gen.token .. '"', 'DEBUG = True' }, config)
  -- apply wrote the workspace settings on disk: their buffer reads them again, as Neovim
  -- does on focus with 'autoread'.
  vim.cmd.edit(vim.fn.fnameescape(folder .. '/.vscode/settings.json'))
  vim.cmd('silent edit!')
  -- No save: Neovim watches the workspace for the server (the documented capabilities), and
  -- the new file is read on its own.
  local uri = vim.uri_from_fname(config)
  local leak
  vim.wait(30000, function()
    for _, d in ipairs(vim.diagnostic.get(vim.uri_to_bufnr(uri))) do
      if d.source == 'elitea' and d.code == 'tokenLeaked' then leak = d end
    end
    return leak ~= nil
  end, 200)
  if not report(leak ~= nil and leak.severity == vim.diagnostic.severity.ERROR
      and leak.message:find('nvim-leaky', 1, true) ~= nil and leak.message:find(gen.token, 1, true) == nil,
    'nvim: a token in app/config.py (not open) gets an elitea tokenLeaked error naming it, never its value',
    applied and 'no diagnostic' or 'apply failed') then
    return
  end
  local lsp_diag = leak.user_data and leak.user_data.lsp
  local resp = client:request_sync('textDocument/codeAction', {
    textDocument = { uri = uri }, range = lsp_diag.range, context = { diagnostics = { lsp_diag } },
  }, 15000)
  local revoke
  for _, a in ipairs(resp and resp.result or {}) do
    if a.title == "Revoke 'nvim-leaky' and replace it" then revoke = a end
  end
  if not report(revoke ~= nil, "nvim: the fix \"Revoke 'nvim-leaky' and replace it\" is offered on the leak",
      resp and vim.inspect(vim.tbl_map(function(a) return a.title end, resp.result or {})) or 'no answer') then
    return
  end
  local done = client:request_sync('workspace/executeCommand', revoke.command, 60000)
  local text = table.concat(vim.fn.readfile(config), '\n')
  -- The workspace settings are open here: the replacement goes into the buffer (applyEdit).
  local wsb = vim.fn.bufnr(folder .. '/.vscode/settings.json')
  local ws = table.concat(vim.api.nvim_buf_get_lines(wsb, 0, -1, false), '\n')
  local listed = elitea_command('elitea.listTokens', { search = 'nvim-leaky' }) or {}
  local still = false
  for _, t in ipairs(listed.items or {}) do
    if t.uuid == gen.uuid then still = true end
  end
  report(done and not done.err and text == 'ELITEA = ""\nDEBUG = True' and not still
      and ws:find(gen.token, 1, true) == nil and ws:find('"eyJ', 1, true) ~= nil,
    'nvim: running it revokes the token, empties it in config.py and puts a replacement in the open workspace settings',
    done and done.err and done.err.message or hide_values(text))
end

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
  report(applied and applied.path == want and text:find('"eliteacode.providerServerURL"', 1, true) ~= nil
      and text:find('"eliteacode.authToken"', 1, true) ~= nil and text:find('alitacode.', 1, true) == nil,
    "nvim: applySettings to the workspace writes today's eliteacode.* keys (no alitacode.*) to <folder with a space>/.vscode/settings.json",
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

  documents(client)
  migration(client)
  leaks(client)
end

local ok, e = xpcall(main, debug.traceback)
if not ok then report(false, 'nvim: driver error', tostring(e):gsub('\n', ' | ')) end
out:close()
-- Stop the server politely, then leave; run.sh's timeout covers a server that will not go.
for _, c in ipairs(vim.lsp.get_clients({ name = 'elitea' })) do c:stop() end
vim.wait(3000, function() return #vim.lsp.get_clients({ name = 'elitea' }) == 0 end, 100)
vim.cmd('qa!')
