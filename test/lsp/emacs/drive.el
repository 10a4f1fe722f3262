;;; drive.el --- drives batch Emacs + eglot through editors/emacs/async-doctor.el  -*- lexical-binding: t; -*-
;; Opens a buffer of the example crate, edits it without saving, applies a code action; writes what
;; Emacs received as JSON to $ASYNC_DOCTOR_EMACS_OUT.  Exits without saving.

(require 'package)
(package-initialize)
(require 'eglot)
(require 'json)
(require 'cl-lib)

;; rust-mode is not part of Emacs 28: a stand-in major mode of that name when it is not installed.
(unless (fboundp 'rust-mode) (define-derived-mode rust-mode prog-mode "Rust"))

(load (getenv "ASYNC_DOCTOR_EMACS_CONFIG"))
(setq async-doctor-command (split-string (getenv "ASYNC_DOCTOR_EMACS_COMMAND") "\t"))

(defvar drive-result nil)
(defun drive-put (key value) (setq drive-result (cons (cons key value) drive-result)))

(defun drive-wait (predicate seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun drive-diagnostics ()
  (flymake-start)
  (accept-process-output nil 0.05)
  (mapcar (lambda (d)
            (list (cons 'line (1- (line-number-at-pos (flymake-diagnostic-beg d))))
                  (cons 'text (flymake-diagnostic-text d))))
          (flymake-diagnostics)))

(defun drive-has (line text)
  (cl-some (lambda (d) (and (= (alist-get 'line d) line) (string-match-p (regexp-quote text) (alist-get 'text d))))
           (drive-diagnostics)))

(condition-case err
    (progn
      (find-file (getenv "ASYNC_DOCTOR_EMACS_FILE"))
      (rust-mode)
      (apply #'eglot (eglot--guess-contact))
      (unless (drive-wait (lambda () (eglot-current-server)) 30) (error "eglot did not connect"))
      (drive-put 'server (plist-get (eglot--server-info (eglot-current-server)) :name))
      (unless (drive-wait (lambda () (drive-diagnostics)) 60) (error "no diagnostics"))
      (drive-put 'initial (drive-diagnostics))
      ;; Edit without saving.
      (goto-char (point-min))
      (search-forward "interval.tick().await;")
      (end-of-line)
      (insert "\n        std::thread::sleep(Duration::from_millis(5));")
      (let ((line (1- (line-number-at-pos))))
        (drive-put 'edited_line line)
        ;; What eglot's idle timer does after a change (idle timers do not run in batch).
        (eglot--signal-textDocument/didChange)
        (unless (drive-wait (lambda () (drive-has line "std::thread::sleep")) 60) (error "no diagnostic for the edited line"))
        (drive-put 'after_edit (drive-diagnostics))
        (drive-put 'modified (buffer-modified-p))
        (let* ((actions (jsonrpc-request (eglot-current-server) :textDocument/codeAction
                                         (list :textDocument (eglot--TextDocumentIdentifier)
                                               :range (list :start (eglot--pos-to-lsp-position (line-beginning-position))
                                                            :end (eglot--pos-to-lsp-position (line-end-position)))
                                               :context (list :diagnostics []))))
               (chosen (cl-find-if (lambda (a) (and (eq (plist-get a :isPreferred) t)
                                                    (string-match-p "tokio::time::sleep" (plist-get a :title))))
                                   actions)))
          (drive-put 'actions (mapcar (lambda (a) (plist-get a :title)) actions))
          (unless chosen (error "no preferred tokio::time::sleep fix"))
          (eglot--apply-workspace-edit (plist-get chosen :edit))
          (drive-put 'fixed_line (buffer-substring-no-properties (save-excursion (goto-char (point-min)) (forward-line line) (line-beginning-position))
                                                                 (save-excursion (goto-char (point-min)) (forward-line line) (line-end-position))))
          (eglot--signal-textDocument/didChange)
          (unless (drive-wait (lambda () (not (drive-has line "std::thread::sleep"))) 60) (error "the fixed finding stayed"))
          (drive-put 'after_fix (drive-diagnostics)))))
  (error (drive-put 'error (error-message-string err))))

(with-temp-file (getenv "ASYNC_DOCTOR_EMACS_OUT") (insert (json-encode drive-result)))
(set-buffer-modified-p nil)
(kill-emacs 0)
