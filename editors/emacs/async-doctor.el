;;; async-doctor.el --- async-doctor's language server in Emacs with eglot  -*- lexical-binding: t; -*-

;; Install: put this file on your `load-path' and add to your init file:
;;   (with-eval-after-load 'eglot (require 'async-doctor))
;; then M-x eglot in a Rust buffer (or `eglot-ensure' from `rust-mode-hook').
;; `async-doctor' must be on PATH (npm install -g async-doctor), or customise `async-doctor-command'.
;;
;; eglot manages each buffer with ONE server: with this file loaded, eglot starts async-doctor for
;; Rust buffers instead of rust-analyzer.  To keep both, run them through an LSP multiplexer, or use
;; lsp-mode, which runs async-doctor as an add-on server beside rust-analyzer (docs/editors.md).

;;; Code:

(require 'eglot)

(defgroup async-doctor nil
  "async-doctor's language server: async Rust findings while you type."
  :group 'tools)

(defcustom async-doctor-command '("async-doctor" "lsp")
  "Command that starts the async-doctor language server on stdio."
  :type '(repeat string))

(defcustom async-doctor-initialization-options '(:debounceMs 15)
  "Settings sent as LSP initializationOptions (a plist; see docs/editors.md).
For example (:inlayHints t :debounceMs 15)."
  :type 'plist)

(defun async-doctor--contact (_interactive)
  "The eglot contact for async-doctor, read when a server starts."
  (append async-doctor-command (list :initializationOptions async-doctor-initialization-options)))

(add-to-list 'eglot-server-programs '((rust-mode rust-ts-mode) . async-doctor--contact))

(provide 'async-doctor)
;;; async-doctor.el ends here
