;;; emacs_driver.el --- test driver for docs/editors/emacs.md  -*- lexical-binding: t -*-
;; run.sh loads the page's `elitea-test' block first (emacs --batch -l page.el -l this file), so
;; the configuration is exactly the page's; this file only observes and calls what the page set
;; up.  One line per check goes to $ELITEA_RESULT_FILE ("PASS name" / "FAIL name: why"), never a
;; token value.  Every wait has a timeout, so a hang is a FAIL, not a stuck CI.

(require 'cl-lib)
(require 'subr-x)

(defvar elitea-test--out (getenv "ELITEA_RESULT_FILE"))
(defvar elitea-test--folder (getenv "ELITEA_WORKSPACE")) ; has a space in its name

(defun elitea-test--report (ok name &optional why)
  (let ((line (concat (if ok "PASS " "FAIL ") name
                      (if (and (not ok) why) (concat ": " (replace-regexp-in-string "\n" " | " why)) "")
                      "\n")))
    (write-region line nil elitea-test--out 'append 'silent))
  ok)

(defun elitea-test--wait (seconds pred)
  "Run the event loop until PRED is non-nil or SECONDS pass; return PRED's last value."
  (let ((deadline (+ (float-time) seconds)) v)
    (while (and (not (setq v (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    v))

;; eglot's own handler asks with `completing-read', which in batch mode would read stdin:
;; record the request and answer "dismissed" (null) as a user pressing C-g would.  The answer
;; is nil, which jsonrpc sends as null (Emacs 28's json-serialize refuses eglot's own :null).
(defvar elitea-test--warnings nil)
(cl-defmethod eglot-handle-request :around
  (_server (_method (eql window/showMessageRequest)) &rest params)
  (push params elitea-test--warnings)
  nil)

(defun elitea-test--call (command &optional args)
  "The page's `elitea-command', with the server's error as a string instead of a signal."
  (condition-case e
      (cons (elitea-command command args) nil)
    (error (cons nil (format "%S" (cdr e))))))

;; workspace/applyEdit from the server, counted on the way to eglot's own handler (which
;; changes the buffer), so the rotate check knows the edit came that way.
(defvar elitea-test--apply-edits 0)
(cl-defmethod eglot-handle-request :around
  (_server (_method (eql workspace/applyEdit)) &rest _params)
  (cl-incf elitea-test--apply-edits)
  (cl-call-next-method))

(defun elitea-test--hide-values (text)
  "TEXT with any JWT (a token value) replaced: results never hold a value."
  (replace-regexp-in-string "eyJ[[:alnum:]_-]+\\.[[:alnum:]_-]+\\.?[[:alnum:]_-]*" "<token value>"
                            (format "%s" text) t t))

(defun elitea-test--open (server path)
  "Visit PATH as a user does; return its buffer once SERVER manages it, else nil."
  (let ((b (find-file-noselect path)))
    (with-current-buffer b (run-hooks 'post-command-hook))
    (and (elitea-test--wait 15 (lambda () (eq (with-current-buffer b (eglot-current-server)) server)))
         b)))

(defun elitea-test--flymake (buf code)
  "The Flymake diagnostics of BUF from elitea with CODE, waiting up to 15 s for the first.
Flymake runs its backends when asked (after edits, on idle): batch Emacs has no idle, so ask."
  (with-current-buffer buf
    (elitea-test--wait
     15 (lambda ()
          (with-current-buffer buf
            (flymake-start)
            (cl-remove-if-not
             (lambda (d) (string-prefix-p (format "elitea [%s]: " code) (flymake-diagnostic-text d)))
             (flymake-diagnostics)))))))

(defun elitea-test--describe (buf)
  (with-current-buffer buf
    (mapconcat (lambda (d) (format "%s %d:%d-%d %S" (flymake-diagnostic-type d)
                                   (line-number-at-pos (flymake-diagnostic-beg d))
                                   (flymake-diagnostic-beg d) (flymake-diagnostic-end d)
                                   (elitea-test--hide-values (flymake-diagnostic-text d))))
               (flymake-diagnostics) "; ")))

(cl-defun elitea-test--documents (server)
  "8. The settings files as documents: Flymake diagnostics, hover and the rotate quick fix."
  ;; (a) A masked value pasted into a settings.json of the folder with a space, after
  ;;     non-ASCII text on the same line (eglot 1.9 counts UTF-16 columns, as LSP's default).
  (let* ((path (expand-file-name "masked/settings.json" elitea-test--folder))
         (line "  \"alitacode.displayName\": \"Café ☕\", \"alitacode.authToken\": \"...ab12\""))
    (make-directory (file-name-directory path) t)
    (with-temp-file path
      (insert "{\n  // the masked form, pasted from the token list\n" line "\n}\n"))
    (let* ((buf (elitea-test--open server path))
           (found (and buf (elitea-test--flymake buf "tokenMasked")))
           (d (car found))
           (want (and buf (with-current-buffer buf
                            (goto-char (point-min))
                            (search-forward "\"...ab12\"")
                            (cons (1+ (match-beginning 0)) (1- (match-end 0)))))))
      (elitea-test--report
       (and d (= (length found) 1) (eq (flymake-diagnostic-type d) 'eglot-error)
            (= (flymake-diagnostic-beg d) (car want)) (= (flymake-diagnostic-end d) (cdr want))
            (with-current-buffer buf (= (line-number-at-pos (flymake-diagnostic-beg d)) 3)))
       "emacs: Flymake shows elitea's tokenMasked error on the masked \"...ab12\" value (line 3, its exact columns)"
       (if buf (format "want line 3, %S; %s" want (elitea-test--describe buf)) "the file did not start eglot"))))

  ;; (b) A token of 3 days in a second .json file that is not a settings.json: the page's
  ;;     hook starts eglot because of its eliteacode.* key.
  (pcase-let* ((`(,gen . ,err) (elitea-test--call "elitea.generateToken"
                                                  '(:name "emacs-3days" :expiration (:measure "days" :value 3))))
               (value (plist-get gen :token))
               (path (expand-file-name "team/elitea-dev.json" elitea-test--folder)))
    (unless (elitea-test--report (and (stringp value) (string-prefix-p "eyJ" value))
                                 "emacs: elitea.generateToken answers a 3-day token" err)
      (cl-return-from elitea-test--documents))
    (make-directory (file-name-directory path) t)
    (with-temp-file path (insert "{\n  \"eliteacode.LLMAuthToken\": \"" value "\"\n}\n"))
    (let* ((buf (elitea-test--open server path))
           (found (and buf (elitea-test--flymake buf "tokenExpiring")))
           (d (car found))
           (want (and buf (with-current-buffer buf
                            (goto-char (point-min))
                            (search-forward value)
                            (cons (match-beginning 0) (match-end 0))))))
      (unless (elitea-test--report
               (and d (= (length found) 1) (eq (flymake-diagnostic-type d) 'eglot-warning)
                    (= (flymake-diagnostic-beg d) (car want)) (= (flymake-diagnostic-end d) (cdr want))
                    (string-match-p "expires in 3 days" (flymake-diagnostic-text d)))
               "emacs: Flymake shows elitea's tokenExpiring warning \"... expires in 3 days\" on the value in a .json with eliteacode.* keys"
               (if buf (format "want %S; %s" want (elitea-test--describe buf))
                 "the page's hook did not start eglot in team/elitea-dev.json"))
        (cl-return-from elitea-test--documents))

      (with-current-buffer buf
        ;; (c) Hover (what eldoc shows at point): the name, never the value.
        (goto-char (+ (car want) 10))
        (let* ((hover (condition-case e
                          (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams)
                                           :timeout 15)
                        (error (format "error %S" e))))
               (text (format "%s" (or (plist-get (plist-get (and (listp hover) hover) :contents) :value) hover))))
          (elitea-test--report (and (string-match-p "emacs-3days" text)
                                    (not (string-match-p (regexp-quote value) text))
                                    (not (string-match-p "eyJ" text)))
                               "emacs: hover on the token value names the token and never shows the value"
                               (if (string-match-p "eyJ" text) "the hover shows a token value"
                                 (format "hover: %S" text))))

        ;; (d) M-x eglot-code-actions at the value: the rotate quick fix, picked as a user does
        ;;     at eglot's prompt. The change to this open buffer comes back as
        ;;     workspace/applyEdit, which eglot 1.9 confirms with y-or-n-p
        ;;     (eglot-confirm-server-initiated-edits): answered "y" here.
        (let* ((title-re "\\`Rotate 'emacs-3days' (new token here and in [0-9]+ other files?)\\'")
               (actions (condition-case e (eglot-code-actions (car want) (cdr want) "quickfix")
                          (error (list (list :title (format "error %S" e))))))
               (rotate (cl-find-if (lambda (a) (and (string-match-p title-re (or (plist-get a :title) ""))
                                                    (equal (plist-get (plist-get a :command) :command)
                                                           "elitea.rotateToken")))
                                   actions))
               (before elitea-test--apply-edits)
               (asked nil))
          (unless (elitea-test--report
                   rotate
                   "emacs: eglot-code-actions on the expiring token offer \"Rotate 'emacs-3days' (new token here and in N other files)\""
                   (format "%d actions: %S" (length actions) (mapcar (lambda (a) (plist-get a :title)) actions)))
            (cl-return-from elitea-test--documents))
          (condition-case e
              (cl-letf (((symbol-function 'completing-read)
                         (lambda (&rest _) (plist-get rotate :title)))
                        ((symbol-function 'y-or-n-p)
                         (lambda (&rest _) (setq asked t) t)))
                ;; Run from the keyboard (M-x), so eglot asks in the minibuffer, not with a
                ;; mouse menu.
                (let ((last-nonmenu-event ?\r))
                  (eglot-code-actions (car want) (cdr want) "quickfix" t)))
            (error (elitea-test--report nil "emacs: M-x eglot-code-actions runs the rotate action"
                                        (elitea-test--hide-values (format "%S" e)))))
          (let ((rotated (elitea-test--wait
                          60 (lambda ()
                               (with-current-buffer buf
                                 (let ((text (buffer-string)))
                                   (and (not (string-match-p (regexp-quote value) text))
                                        (string-match-p "\"eyJ" text))))))))
            (elitea-test--report (and rotated (> elitea-test--apply-edits before))
                                 "emacs: the rotate action puts a different token in the open buffer through workspace/applyEdit"
                                 (format "changed=%S, applyEdit requests=%d, confirmation asked=%S"
                                         rotated (- elitea-test--apply-edits before) asked))
            (elitea-test--report (and rotated (buffer-modified-p)
                                      (with-temp-buffer (insert-file-contents path)
                                                        (search-forward value nil t)))
                                 "emacs: the rotated buffer is left unsaved (modified; the file on disk unchanged until C-x C-s)"
                                 (format "modified=%S" (buffer-modified-p)))))))))

(cl-defun elitea-test--main ()
  (let* ((file (expand-file-name ".vscode/settings.json" elitea-test--folder))
         (buf (find-file-noselect file))
         server)
    (with-current-buffer buf
      ;; eglot-ensure (called by the page's hook) connects on the next command loop turn;
      ;; batch mode has none, so run the hook it waits on, as a keystroke would.
      (run-hooks 'post-command-hook)
      ;; 1. The page's eglot-server-programs entry and hook start the server here.
      (setq server (elitea-test--wait 30 (lambda () (with-current-buffer buf (eglot-current-server)))))
      (unless (elitea-test--report
               (and server (equal (plist-get (eglot--server-info server) :name) "elitea-tokens"))
               "emacs: server starts from the page configuration"
               (format "major-mode=%s server=%s" major-mode server))
        (cl-return-from elitea-test--main))
      (let ((folders (eglot-workspace-folders server)))
        (elitea-test--report
         (and (= (length folders) 1)
              (string-suffix-p "/My%20Project" (plist-get (aref folders 0) :uri)))
         "emacs: the git repository with a space is sent as workspaceFolders"
         (format "%S" folders)))

      ;; 2. Sign in to the embedded sandbox through the page's elitea-command.
      (pcase-let ((`(,signed . ,err) (elitea-test--call "elitea.signIn" '(:serverUrl "sandbox" :token ""))))
        (elitea-test--report (and signed (not (string-empty-p (or (plist-get (plist-get signed :user) :email) ""))))
                             "emacs: elitea.signIn (sandbox) answers a user" err))
      (pcase-let ((`(,status . ,err) (elitea-test--call "elitea.status")))
        (elitea-test--report (eq (plist-get status :signedIn) t)
                             "emacs: elitea.status answers signedIn" err)
        ;; The page's no-keyring line (:secretsStore "file") reached the server as
        ;; initializationOptions.
        (elitea-test--report (string-match-p "file" (format "%s" (plist-get status :secretsStore)))
                             "emacs: the page's initializationOptions reach the server (status names the file store)"
                             (format "%S" (plist-get status :secretsStore))))

      ;; 3. A 5-minute token: its 1-hour threshold is already past, so a warning is due at once.
      (pcase-let* ((`(,gen . ,err) (elitea-test--call "elitea.generateToken"
                                                      '(:name "short" :expiration (:measure "minutes" :value 5))))
                   (uuid (plist-get gen :uuid))
                   (want (expand-file-name ".vscode/settings.json" elitea-test--folder)))
        (unless (elitea-test--report (and (stringp uuid) (stringp (plist-get gen :token)))
                                     "emacs: elitea.generateToken answers a row and a value" err)
          (cl-return-from elitea-test--main))
        (pcase-let ((`(,list . ,err) (elitea-test--call "elitea.listTokens"
                                                        '(:search "short" :sortBy "expiration" :order "asc"
                                                          :pageSize 5 :page 0))))
          (let ((row (and list (aref (plist-get list :items) 0))))
            (elitea-test--report (and list (eql (plist-get list :total) 1) (equal (plist-get row :uuid) uuid)
                                      (not (plist-member row :token))
                                      (string-prefix-p "..." (plist-get row :masked)))
                                 "emacs: elitea.listTokens finds the token by search, masked"
                                 (or err (format "total=%S" (plist-get list :total))))))

        ;; The page's M-x elitea-list-tokens, as a user runs it, shows the token in *elitea*.
        (condition-case e
            (progn
              (elitea-list-tokens "short")
              (elitea-test--report (with-current-buffer "*elitea*"
                                     (and (string-match-p (regexp-quote uuid) (buffer-string))
                                          (string-match-p ":masked" (buffer-string))))
                                   "emacs: the page M-x elitea-list-tokens shows the token"
                                   (with-current-buffer "*elitea*" (format "%d characters" (buffer-size)))))
          (error (elitea-test--report nil "emacs: the page M-x elitea-list-tokens shows the token"
                                      (format "%S" e))))

        ;; 4. "Apply to workspace" with no path: only right if the server took the standard
        ;;    workspaceFolders and decoded "My%20Project" to the folder with the space.
        (pcase-let ((`(,applied . ,err) (elitea-test--call "elitea.applySettings"
                                                           `(:uuid ,uuid :ide "vscode" :target (:kind "workspace")))))
          (elitea-test--report
           (and applied (equal (plist-get applied :path) want)
                (with-temp-buffer (insert-file-contents want) (search-forward "\"eliteacode." nil t)))
           "emacs: applySettings to the workspace writes <folder with a space>/.vscode/settings.json"
           (or err (format "path=%S" (plist-get applied :path)))))

        ;; 5. elitea/tokenStatus, through the page's method, names the token and that file.
        (let ((seen (elitea-test--wait
                     30 (lambda ()
                          (cl-some (lambda (tok) (and (equal (plist-get tok :uuid) uuid)
                                                      (member want (append (plist-get tok :files) nil))))
                                   elitea-tokens-in-use)))))
          (elitea-test--report seen "emacs: elitea/tokenStatus lists the token in the workspace file"
                               (format "%d tokens in use" (length elitea-tokens-in-use)))
          (elitea-test--report (and seen (string-match-p "ELITEA short" (or (elitea-mode-line) "")))
                               "emacs: the page mode line shows the token" (format "%S" (elitea-mode-line))))

        ;; 6. The expiry warning reaches eglot as window/showMessageRequest with actions
        ;;    carrying {title, action, uuid}.
        (elitea-test--report
         (elitea-test--wait
          90 (lambda ()
               (cl-some (lambda (params)
                          (cl-some (lambda (a) (and (equal (plist-get a :action) "rotate")
                                                    (equal (plist-get a :uuid) uuid)
                                                    (not (string-empty-p (or (plist-get a :title) "")))))
                                   (append (plist-get params :actions) nil)))
                        elitea-test--warnings)))
         "emacs: expiry warning arrives as showMessageRequest with rotate/uuid actions"
         (format "%d requests seen" (length elitea-test--warnings)))

      ;; 7. The other settings files the page names get the same server.
      (let ((others nil))
        (dolist (rel '("team.code-workspace" ".idea/alita.xml"))
          (with-current-buffer (find-file-noselect (expand-file-name rel elitea-test--folder))
            (run-hooks 'post-command-hook)
            (let ((b (current-buffer)))
              (unless (elitea-test--wait 15 (lambda () (eq (with-current-buffer b (eglot-current-server)) server)))
                (push (format "%s (%s)" rel major-mode) others)))))
        (elitea-test--report (null others)
                             "emacs: *.code-workspace and .idea/alita.xml attach to the same server"
                             (format "not attached: %S" others)))

      ;; 8. The settings files as documents.
      (elitea-test--documents server))
      (ignore-errors (eglot-shutdown server)))))

(condition-case e
    (elitea-test--main)
  (error (elitea-test--report nil "emacs: driver error" (format "%S" e))))
(kill-emacs 0)
