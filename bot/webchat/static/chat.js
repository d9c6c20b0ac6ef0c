// Yuelao web chat page: renders the bot's frames, sends the user's text, presses, contact and photos.
// The frame protocol is documented in bot/webchat/protocol.py. No build step, no dependencies.
(() => {
  "use strict";

  const LABELS = {
    en: {
      placeholder: "Message",
      send: "Send",
      reconnecting: "Connection lost, reconnecting…",
      connecting: "connecting…",
      online: "online",
      start: "Start",
      attach: "Attach a photo",
      ok: "OK",
      cancel: "Cancel",
      share: "Share",
      contactTitle: "Share your phone number",
      badPhone: "Please enter a phone number, e.g. +86 138 0000 0000",
      stale: "This button is no longer available.",
      tooLarge: "That is too large to send.",
      badPhoto: "This photo could not be read. Please try a JPEG or PNG.",
      failed: "Something went wrong. Please try again.",
      edited: "edited",
      copied: "Copied",
      download: "Download",
      photo: "Photo",
    },
    zh: {
      placeholder: "输入消息",
      send: "发送",
      reconnecting: "连接已断开，正在重新连接…",
      connecting: "正在连接…",
      online: "在线",
      start: "开始",
      attach: "添加照片",
      ok: "好的",
      cancel: "取消",
      share: "分享",
      contactTitle: "分享您的手机号码",
      badPhone: "请输入手机号码，例如 +86 138 0000 0000",
      stale: "此按钮已失效。",
      tooLarge: "内容过大，无法发送。",
      badPhoto: "无法读取这张照片，请换一张 JPEG 或 PNG 照片。",
      failed: "出了点问题，请重试。",
      edited: "已编辑",
      copied: "已复制",
      download: "下载",
      photo: "照片",
    },
    zh_Hant: {
      placeholder: "輸入訊息",
      send: "傳送",
      reconnecting: "連線已中斷，正在重新連線…",
      connecting: "正在連線…",
      online: "線上",
      start: "開始",
      attach: "新增照片",
      ok: "好的",
      cancel: "取消",
      share: "分享",
      contactTitle: "分享您的手機號碼",
      badPhone: "請輸入手機號碼，例如 +886 912 345 678",
      stale: "此按鈕已失效。",
      tooLarge: "內容過大，無法傳送。",
      badPhoto: "無法讀取這張照片，請換一張 JPEG 或 PNG 照片。",
      failed: "出了點問題，請重試。",
      edited: "已編輯",
      copied: "已複製",
      download: "下載",
      photo: "照片",
    },
    ru: {
      placeholder: "Сообщение",
      send: "Отправить",
      reconnecting: "Связь потеряна, подключаемся снова…",
      connecting: "подключение…",
      online: "в сети",
      start: "Начать",
      attach: "Прикрепить фото",
      ok: "OK",
      cancel: "Отмена",
      share: "Отправить",
      contactTitle: "Поделитесь номером телефона",
      badPhone: "Введите номер телефона, например +7 912 345-67-89",
      stale: "Эта кнопка больше не действует.",
      tooLarge: "Это слишком большой файл для отправки.",
      badPhoto: "Не удалось прочитать это фото. Попробуйте JPEG или PNG.",
      failed: "Что-то пошло не так. Попробуйте ещё раз.",
      edited: "изменено",
      copied: "Скопировано",
      download: "Скачать",
      photo: "Фото",
    },
  };
  // Our locales as BCP 47 tags: the page's lang attribute and the Intl formats of times.
  const TAGS = { en: "en", zh: "zh-CN", zh_Hant: "zh-TW", ru: "ru" };
  // Until the server says which language the chat speaks (ready, locale frames), the browser's: as the bot
  // maps a language tag (bot/i18n.py), Chinese of Taiwan, Hong Kong and Macau or in the Hant script is
  // Traditional.
  function browserLanguage(tag) {
    const parts = (tag || "en").toLowerCase().replace(/_/g, "-").split("-");
    if (parts[0] === "zh") {
      const traditional = !parts.includes("hans") && parts.some((part) => ["hant", "tw", "hk", "mo"].includes(part));
      return traditional ? "zh_Hant" : "zh";
    }
    return parts[0] === "ru" ? "ru" : "en";
  }
  let language = browserLanguage(navigator.language);
  const t = (key) => LABELS[language][key] || LABELS.en[key] || key;
  const timeFormats = new Map();
  function formatTime(date) {
    if (!timeFormats.has(language)) {
      timeFormats.set(language, new Intl.DateTimeFormat(TAGS[language], { hour: "2-digit", minute: "2-digit" }));
    }
    return timeFormats.get(language).format(date);
  }

  const ID_KEY = "yuelao.webchat.browser-id";
  const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const PHONE = /^\+?[0-9][0-9 ()-]{4,24}$/;
  const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
  const PHOTO_MAX_SIDE = 1600;
  const DENSE_ROW = 5;
  const SAFE_SCHEMES = new Set(["http:", "https:", "tg:"]);
  const URL_IN_TEXT = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]}。，；：！？）」』]/g;
  // A bot command in a text, as Telegram finds them: a slash, 1-32 letters, digits or underscores and maybe
  // @botname, not inside a word or a path ("and/or", "24/7"). Chinese may touch it ("发送/start开始").
  const COMMAND_IN_TEXT = /(^|[^A-Za-z0-9_/])(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)(?![A-Za-z0-9_/@])/g;

  const $ = (id) => document.getElementById(id);
  const log = $("log");
  const input = $("input");
  const sendButton = $("send");
  const replyKeyboard = $("reply-keyboard");
  const banner = $("banner");
  const status = $("status");
  const start = $("start");
  const toast = $("toast");
  const alertDialog = $("alert-dialog");
  const contactDialog = $("contact-dialog");
  const photoInput = $("photo-input");

  const browserId = loadBrowserId();
  const fileUrls = new Map();
  let socket = null;
  let ready = false;
  let everReady = false;
  let retryDelay = 1000;
  let retryTimer = null;
  let historyLimit = 200;
  let placeholder = t("placeholder");
  let pinned = true;

  // ---------- identity ----------

  function newBrowserId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function loadBrowserId() {
    try {
      let id = localStorage.getItem(ID_KEY);
      if (!id || !UUID_V4.test(id)) {
        id = newBrowserId();
        localStorage.setItem(ID_KEY, id);
      }
      return id;
    } catch {
      return newBrowserId();
    }
  }

  // ---------- labels ----------

  function setLanguage(locale) {
    if (!Object.hasOwn(LABELS, locale) || locale === language) return;
    const defaultPlaceholder = placeholder === t("placeholder");
    language = locale;
    if (defaultPlaceholder) placeholder = t("placeholder");
    applyLabels();
    status.textContent = ready ? t("online") : t("connecting");
    for (const meta of log.querySelectorAll(".meta[data-date]")) renderMeta(meta);
  }

  function renderMeta(meta) {
    const edited = meta.dataset.edited === "true" ? [element("span", "edited", t("edited"))] : [];
    meta.replaceChildren(...edited, formatTime(new Date(Number(meta.dataset.date) * 1000)));
  }

  function applyLabels() {
    document.documentElement.lang = TAGS[language];
    for (const element of document.querySelectorAll("[data-label]")) element.textContent = t(element.dataset.label);
    for (const element of document.querySelectorAll("[data-title]")) element.title = t(element.dataset.title);
    $("attach").setAttribute("aria-label", t("attach"));
    input.placeholder = placeholder;
  }

  // ---------- connection ----------

  function connect() {
    retryTimer = null;
    const url = new URL("ws", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      sendFrame({ type: "hello", user: browserId, language: navigator.language || "" });
    });
    socket.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      handleFrame(frame);
    });
    socket.addEventListener("close", () => {
      socket = null;
      setReady(false);
      retryTimer = setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    });
  }

  function reconnectNow() {
    if (socket || !retryTimer) return;
    clearTimeout(retryTimer);
    connect();
  }

  function sendFrame(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  function setReady(value) {
    ready = value;
    sendButton.disabled = !value;
    document.body.classList.toggle("offline", !value);
    status.textContent = value ? t("online") : t("connecting");
    banner.hidden = value || !everReady;
  }

  // ---------- frames ----------

  function handleFrame(frame) {
    switch (frame.type) {
      case "ready":
        setLanguage(frame.locale);
        historyLimit = frame.history_limit || historyLimit;
        log.replaceChildren();
        for (const message of frame.history || []) upsertMessage(message);
        setReplyKeyboard(frame.reply_keyboard);
        everReady = true;
        retryDelay = 1000;
        setReady(true);
        updateStart();
        pinned = true;
        keepPinned();
        break;
      case "message":
        if (frame.from === "user") pinned = true;
        upsertMessage(frame);
        if (frame.keyboard && (frame.keyboard.kind === "reply" || frame.keyboard.kind === "remove")) {
          setReplyKeyboard(frame.keyboard);
        }
        updateStart();
        keepPinned();
        break;
      case "locale":
        setLanguage(frame.locale);
        break;
      case "edit":
        if (log.querySelector(`[data-id="${Number(frame.message_id)}"]`)) upsertMessage(frame);
        keepPinned();
        break;
      case "delete": {
        const row = log.querySelector(`[data-id="${Number(frame.message_id)}"]`);
        if (row) row.remove();
        updateStart();
        break;
      }
      case "callback_answer":
        clearPending(frame.message_id);
        if (frame.text) {
          if (frame.show_alert) showAlert(frame.text);
          else showToast(frame.text);
        }
        break;
      case "error":
        clearPending(null);
        showToast(errorText(frame.reason));
        break;
      default:
        break;
    }
  }

  function errorText(reason) {
    if (reason === "stale_button") return t("stale");
    if (reason === "too_large") return t("tooLarge");
    if (reason === "bad_photo") return t("badPhoto");
    return t("failed");
  }

  // ---------- messages ----------

  function upsertMessage(frame) {
    const id = Number(frame.message_id);
    const row = buildMessage(frame);
    const existing = log.querySelector(`[data-id="${id}"]`);
    if (existing) {
      existing.replaceWith(row);
      return;
    }
    let before = null;
    for (let node = log.lastElementChild; node; node = node.previousElementSibling) {
      if (Number(node.dataset.id) > id) before = node;
      else break;
    }
    log.insertBefore(row, before);
    while (log.children.length > historyLimit) log.firstElementChild.remove();
  }

  function buildMessage(frame) {
    const fromBot = frame.from === "bot";
    const row = element("div", `row ${fromBot ? "from-bot" : "from-user"}`);
    row.dataset.id = String(Number(frame.message_id));
    const bubble = element("div", frame.photo ? "bubble has-photo" : "bubble");
    if (frame.photo) bubble.append(buildPhoto(frame.photo));
    if (frame.html) {
      const text = element("div", "text");
      renderSafeHtml(frame.html, text, { links: true, commands: fromBot });
      bubble.append(text);
    }
    if (frame.document) bubble.append(buildDocument(frame.document));
    if (frame.contact) {
      const contact = element("div", "contact");
      contact.append(element("span", "contact-icon", "☎"), element("span", "", frame.contact.phone_number));
      bubble.append(contact);
    }
    const meta = element("div", "meta");
    meta.dataset.date = String(Number(frame.date));
    meta.dataset.edited = String(Boolean(frame.edited || frame.type === "edit"));
    renderMeta(meta);
    bubble.append(meta);
    row.append(bubble);
    if (frame.keyboard && frame.keyboard.kind === "inline") {
      row.classList.add("with-keyboard");
      row.append(buildInlineKeyboard(frame));
    }
    return row;
  }

  function buildPhoto(photo) {
    const image = element("img", "photo");
    image.alt = t("photo");
    image.addEventListener("load", keepPinned);
    if (photo.width && photo.height) {
      image.width = photo.width;
      image.height = photo.height;
    }
    if (photo.private) {
      privateFileUrl(photo.url)
        .then((url) => {
          image.src = url;
        })
        .catch(() => image.classList.add("broken"));
    } else if (safeUrl(photo.url)) {
      image.src = photo.url;
      image.referrerPolicy = "no-referrer";
    }
    return image;
  }

  function buildDocument(documentInfo) {
    const link = element("a", "document");
    link.append(element("span", "document-icon", "📄"), element("span", "document-name", documentInfo.name));
    link.title = t("download");
    if (documentInfo.private) {
      link.href = "#";
      link.addEventListener("click", (event) => {
        event.preventDefault();
        privateFileUrl(documentInfo.url, true)
          .then((url) => {
            const save = document.createElement("a");
            save.href = url;
            save.download = documentInfo.name;
            document.body.append(save);
            save.click();
            save.remove();
          })
          .catch(() => showToast(t("failed")));
      });
    } else if (safeUrl(documentInfo.url)) {
      link.href = documentInfo.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
    }
    return link;
  }

  async function privateFileUrl(url, asDownload = false) {
    const key = `${asDownload ? "d" : "v"}:${url}`;
    if (fileUrls.has(key)) return fileUrls.get(key);
    const response = await fetch(url, { headers: { "X-Webchat-User": browserId }, cache: "no-store" });
    if (!response.ok) throw new Error(`file: ${response.status}`);
    let blob = await response.blob();
    if (asDownload) blob = new Blob([blob], { type: "application/octet-stream" });
    const objectUrl = URL.createObjectURL(blob);
    fileUrls.set(key, objectUrl);
    return objectUrl;
  }

  // ---------- keyboards ----------

  function buildInlineKeyboard(frame) {
    const keyboard = element("div", "inline-keyboard");
    for (const row of frame.keyboard.rows || []) {
      const line = keyboardRow(row.length);
      for (const button of row) line.append(buildInlineButton(frame.message_id, button));
      keyboard.append(line);
    }
    return keyboard;
  }

  // A row of many buttons (a week of the calendar) is set tighter, so that seven fit a phone's width.
  function keyboardRow(buttons) {
    return element("div", buttons >= DENSE_ROW ? "keyboard-row dense" : "keyboard-row");
  }

  function buildInlineButton(messageId, button) {
    if (button.action === "url" && safeUrl(button.url)) {
      const link = element("a", "key key-link", button.text);
      link.href = button.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      return link;
    }
    const key = element("button", "key", button.text);
    key.type = "button";
    if (button.action === "callback") {
      key.addEventListener("click", () => {
        if (key.classList.contains("pending")) return;
        if (sendFrame({ type: "callback", message_id: Number(messageId), data: button.data })) {
          key.classList.add("pending");
          setTimeout(() => key.classList.remove("pending"), 15000);
        }
      });
    } else if (button.action === "copy") {
      key.addEventListener("click", () => {
        navigator.clipboard.writeText(button.copy_text).then(
          () => showToast(t("copied")),
          () => showToast(t("failed")),
        );
      });
    } else {
      key.disabled = true;
    }
    return key;
  }

  function clearPending(messageId) {
    const scope = messageId == null ? log : log.querySelector(`[data-id="${Number(messageId)}"]`);
    if (!scope) return;
    for (const key of scope.querySelectorAll(".key.pending")) key.classList.remove("pending");
  }

  function setReplyKeyboard(keyboard) {
    replyKeyboard.replaceChildren();
    if (!keyboard || keyboard.kind !== "reply") {
      replyKeyboard.hidden = true;
      placeholder = t("placeholder");
      input.placeholder = placeholder;
      return;
    }
    for (const row of keyboard.rows || []) {
      const line = keyboardRow(row.length);
      for (const button of row) {
        const key = element("button", "key", button.text);
        key.type = "button";
        key.disabled = !button.enabled;
        key.addEventListener("click", () => {
          if (button.request_contact) {
            openContactDialog();
          } else if (sendText(button.text) && keyboard.one_time) {
            replyKeyboard.hidden = true;
          }
        });
        line.append(key);
      }
      replyKeyboard.append(line);
    }
    replyKeyboard.hidden = false;
    placeholder = keyboard.placeholder || t("placeholder");
    input.placeholder = placeholder;
  }

  // ---------- safe HTML ----------

  const ALLOWED_TAGS = new Set(["B", "I", "U", "S", "CODE", "PRE", "A", "TG-SPOILER", "BLOCKQUOTE"]);

  // `tap`: what becomes tappable in plain text: `links` (web addresses) and `commands` (bot commands, in the
  // bot's messages as on Telegram: tapping one sends it).
  function renderSafeHtml(html, target, tap) {
    const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
    appendSafe(parsed.body, target, tap);
  }

  const NOTHING_TAPPABLE = { links: false, commands: false };

  function appendSafe(source, target, tap) {
    for (const node of source.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        appendText(node.nodeValue, target, tap);
        continue;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const tag = node.tagName;
      if (!ALLOWED_TAGS.has(tag)) {
        appendText(node.textContent, target, tap);
        continue;
      }
      let copy;
      if (tag === "A") {
        const href = node.getAttribute("href") || "";
        if (!safeUrl(href)) {
          appendSafe(node, target, tap);
          continue;
        }
        copy = document.createElement("a");
        copy.href = href;
        copy.target = "_blank";
        copy.rel = "noopener noreferrer";
      } else if (tag === "TG-SPOILER") {
        copy = element("span", "spoiler");
        copy.tabIndex = 0;
        const reveal = () => copy.classList.add("revealed");
        copy.addEventListener("click", reveal);
        copy.addEventListener("keydown", reveal);
      } else if (tag === "BLOCKQUOTE") {
        copy = document.createElement("blockquote");
        if (node.hasAttribute("expandable")) {
          copy.classList.add("expandable");
          copy.addEventListener("click", () => copy.classList.toggle("expanded"));
        }
      } else {
        copy = document.createElement(tag.toLowerCase());
      }
      appendSafe(node, copy, ["A", "CODE", "PRE"].includes(tag) ? NOTHING_TAPPABLE : tap);
      target.append(copy);
    }
  }

  function appendText(text, target, tap) {
    if (!tap.links) {
      appendCommands(text, target, tap.commands);
      return;
    }
    let last = 0;
    for (const match of text.matchAll(URL_IN_TEXT)) {
      if (match.index > last) appendCommands(text.slice(last, match.index), target, tap.commands);
      const link = document.createElement("a");
      link.href = match[0];
      link.textContent = match[0];
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      target.append(link);
      last = match.index + match[0].length;
    }
    if (last < text.length) appendCommands(text.slice(last), target, tap.commands);
  }

  function appendCommands(text, target, commands) {
    if (!commands) {
      target.append(text);
      return;
    }
    let last = 0;
    for (const match of text.matchAll(COMMAND_IN_TEXT)) {
      const start = match.index + match[1].length;
      if (start > last) target.append(text.slice(last, start));
      const command = element("button", "command", match[2]);
      command.type = "button";
      command.addEventListener("click", () => sendText(match[2]));
      target.append(command);
      last = start + match[2].length;
    }
    if (last < text.length) target.append(text.slice(last));
  }

  function safeUrl(value) {
    try {
      return SAFE_SCHEMES.has(new URL(value, location.href).protocol) && /^(https?|tg):/i.test(value.trim());
    } catch {
      return false;
    }
  }

  // ---------- sending ----------

  function sendText(text) {
    const value = text.trim();
    if (!value || !ready) return false;
    return sendFrame({ type: "text", text: value });
  }

  function submitComposer() {
    if (sendText(input.value)) {
      input.value = "";
      resizeInput();
    }
    input.focus();
  }

  function resizeInput() {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  }

  async function sendPhoto(file) {
    try {
      const blob = await shrinkPhoto(file);
      if (blob.size > MAX_PHOTO_BYTES) {
        showToast(t("tooLarge"));
        return;
      }
      const data = await blobToBase64(blob);
      if (!sendFrame({ type: "photo", data })) showToast(t("failed"));
    } catch {
      showToast(t("badPhoto"));
    }
  }

  // Re-encode the photo: at most PHOTO_MAX_SIDE pixels on a side, JPEG, without its metadata (location).
  async function shrinkPhoto(file) {
    let bitmap;
    try {
      bitmap = await createImageBitmap(file);
    } catch {
      return file;
    }
    const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob || file), "image/jpeg", 0.86));
  }

  function blobToBase64(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  }

  // ---------- dialogs and toasts ----------

  let toastTimer = null;

  function showToast(text) {
    toast.textContent = text;
    toast.hidden = false;
    toast.classList.add("visible");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      toast.classList.remove("visible");
      toast.hidden = true;
    }, 3500);
  }

  function showAlert(text) {
    $("alert-text").textContent = text;
    if (!alertDialog.open) alertDialog.showModal();
    $("alert-ok").focus();
  }

  function openContactDialog() {
    const phone = $("phone");
    phone.value = "";
    phone.setCustomValidity("");
    contactDialog.showModal();
    phone.focus();
  }

  // ---------- helpers ----------

  function element(tag, className = "", text = null) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== null) node.textContent = text;
    return node;
  }

  // Stay at the newest message while the user has not scrolled up to read older ones.
  function keepPinned() {
    if (pinned) log.scrollTop = log.scrollHeight;
  }

  function updateStart() {
    start.hidden = !ready || log.children.length > 0;
  }

  // ---------- wiring ----------

  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    submitComposer();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      submitComposer();
    }
  });
  input.addEventListener("input", resizeInput);
  log.addEventListener("scroll", () => {
    pinned = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  });
  new ResizeObserver(keepPinned).observe(log);
  photoInput.addEventListener("change", () => {
    const file = photoInput.files && photoInput.files[0];
    photoInput.value = "";
    if (file && ready) sendPhoto(file);
  });
  $("start-button").addEventListener("click", () => {
    // A link such as /?start=wechat (an acquisition channel's link) starts the bot with that code, as a
    // Telegram deep link does; anything else than a channel code is left out.
    const source = new URLSearchParams(location.search).get("start") || "";
    const command = /^[A-Za-z0-9_-]{1,64}$/.test(source) ? `/start ${source}` : "/start";
    if (sendText(command)) start.hidden = true;
  });
  $("alert-ok").addEventListener("click", () => alertDialog.close());
  $("contact-cancel").addEventListener("click", () => contactDialog.close());
  $("contact-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const phone = $("phone");
    const value = phone.value.trim();
    if (!PHONE.test(value)) {
      phone.setCustomValidity(t("badPhone"));
      phone.reportValidity();
      return;
    }
    if (sendFrame({ type: "contact", phone_number: value })) contactDialog.close();
  });
  $("phone").addEventListener("input", () => $("phone").setCustomValidity(""));
  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") reconnectNow();
  });

  applyLabels();
  setReady(false);
  connect();
})();
