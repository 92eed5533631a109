/*
 * NZ people-trafficking help: the chat widget.
 *
 * Embed with one script tag (no other file is needed; the stylesheet is loaded
 * from beside this script):
 *   <script src="https://host/widget.js" data-server="https://rasa-host"
 *           data-title="Help with people trafficking" data-lang="en"
 *           data-exit-url="https://www.metservice.com" data-target="#chat" defer></script>
 *
 * Languages: data-lang picks the widget's own words (buttons, labels, notices):
 * en, mi (te reo Māori), sm (Samoan), to (Tongan), zh (Simplified Chinese;
 * zh-Hans and zh-CN too), hi (Hindi), pa (Punjabi, Gurmukhi), tl (Tagalog; fil
 * too), es, ko, vi, fj (Fijian), hif (Fiji Hindi); anything else is English.
 * The widget root gets lang (and dir), so screen readers and fonts follow. Every
 * message to the server says which language the widget shows:
 *   {"sender": id, "message": text, "metadata": {"language": code}}
 * and a bot message with {"custom": {"language": code}} (or {"language": code})
 * switches the widget's words to that language; the conversation stays as it
 * is. data-title, if given, is the title in data-lang's language; the other
 * languages use their own. The translations are machine drafts (see STRINGS).
 * The language button in the header (the language's own name) opens a list of
 * the languages: choosing one changes the widget's words at once and sends
 * nothing; the next message carries the new language. Esc stays the quick exit
 * (the list closes by pressing the button again, or by choosing).
 *
 * With data-target, the chat is shown in that element, open. Without it (or when
 * no element matches), a round chat button sits in the bottom right corner of
 * the page: it opens and closes the chat panel above it. Opening moves the focus
 * to the message box, closing returns it to the button. Closing only hides the
 * panel: the conversation stays (in memory) until "Clear this conversation",
 * quick exit or leaving the page.
 *
 * Safety and privacy:
 * - Nothing is written to the device: no cookies, localStorage, sessionStorage
 *   or IndexedDB. The conversation id is random and lives in memory only, so
 *   every page load starts a fresh conversation.
 * - "Leave now", the Esc key, or Ctrl+Shift+X: stop talking to the server, ask
 *   it to forget the conversation, remove the conversation from the page and
 *   from memory, and replace the page with a neutral site (location.replace, so
 *   Back does not return). The keys work on the whole page, whether the chat
 *   panel is open or closed: someone may have hidden the chat, and the page
 *   itself (help with people trafficking) is what must go. They never fire while
 *   typing: not during IME
 *   composition (Chinese, Japanese, Korean...), and Ctrl+Shift+X is a chord no
 *   text entry produces (not AltGr, which is Ctrl+Alt on Windows, nor Option).
 * - "Clear this conversation" asks the server to delete it, then starts afresh.
 * - "Forget" is sent with navigator.sendBeacon, so that it survives leaving the
 *   page (fetch with keepalive if there is no beacon or it is refused). Its body
 *   is JSON, {"sender": id}, sent as text/plain: a CORS-safelisted type, since
 *   browsers never preflight a beacon.
 * - The message box has spellcheck, autocomplete, autocorrect and
 *   autocapitalize off, so typed text is not sent to a cloud spell checker.
 * - Only text is inserted into the page (never HTML), and only http(s) and tel:
 *   links are made.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) {
    return;
  }
  // --- the widget's words, in each language -------------------------------------------
  // Every translation here (all but "en") is MACHINE-DRAFTED and must be checked by a
  // fluent speaker before it goes live. Official NZ terms were kept where an agency's
  // translated pages have them (NZ Police, Ministry for Ethnic Communities): the 111
  // line says the English word the caller must say ("Police") with the translation in
  // brackets, as NZ Police's own translated pages do. A missing string is shown in
  // English (marked lang="en").
  // Placeholders: {leave} is the "Leave now" button's words, {111} is where the
  // tappable 111 goes, {title} the title, {label} the chat button's label.
  var STRINGS = {
    en: {
      title: "Help with people trafficking",
      leave: "Leave now",
      close: "Close chat",
      notice: "Someone may be able to see what you do on this device. " +
        "To leave fast, press Esc, or Ctrl+Shift+X, or {leave}.",
      danger: "In danger now? Call {111} and ask for Police.",
      log: "Conversation",
      inputLabel: "Your message",
      placeholder: "Type your question",
      send: "Send",
      language: "Choose language",
      clear: "Clear this conversation",
      launcher: "Chat: {title}",
      unread: "{label}, new answer",
      youSaid: "You said: ",
      assistant: "Assistant: ",
      replies: "Answers you can choose",
      writing: "The assistant is writing…",
      cleared: "The conversation was cleared.",
      unreachable: "Sorry, I cannot reach the assistant right now. " +
        "If you or someone else is in danger, call 111 and ask for Police.",
      welcome: "Kia ora. I can answer questions about people trafficking in New Zealand, " +
        "and tell you where to get help. Please do not type your name, address or phone number."
    },
    mi: {  // te reo Māori (machine-drafted: review needed)
      title: "Āwhina mō te hokohoko tangata",
      leave: "Wehe ināianei",
      close: "Katia te kōrero",
      notice: "Tērā pea ka kite tētahi i āu mahi i tēnei pūrere. " +
        "Kia tere te wehe, pēhia te Esc, te Ctrl+Shift+X rānei, te {leave} rānei.",
      danger: "Kei te mōrearea koe ināianei? Waea atu ki te {111}, ka kī ai “Police” (Pirihimana).",
      log: "Kōrerorero",
      inputLabel: "Tō karere",
      placeholder: "Tuhia tō pātai",
      send: "Tukua",
      language: "Kōwhiria te reo",
      clear: "Ūkuia tēnei kōrerorero",
      launcher: "Kōrero: {title}",
      unread: "{label}, he whakautu hou",
      youSaid: "I kī koe: ",
      assistant: "Kaiāwhina: ",
      replies: "Ngā whakautu ka taea e koe te kōwhiri",
      writing: "Kei te tuhi te kaiāwhina…",
      cleared: "Kua ūkuia te kōrerorero.",
      unreachable: "Aroha mai, kāore e taea te whakapā atu ki te kaiāwhina ināianei. " +
        "Mēnā kei te mōrearea koe, tētahi atu rānei, waea atu ki te 111, ka kī ai “Police” (Pirihimana).",
      welcome: "Kia ora. Ka taea e au te whakautu i ō pātai mō te hokohoko tangata i Aotearoa, " +
        "me te kī atu ki hea koe whiwhi āwhina ai. Tēnā, kaua e tuhi i tō ingoa, tō wāhi noho, " +
        "tō nama waea rānei."
    },
    sm: {  // Samoan (machine-drafted: review needed)
      title: "Fesoasoani i le fa'atauina o tagata",
      leave: "Alu ese nei",
      close: "Tapuni le talanoaga",
      notice: "Atonu e iai se isi e mafai ona va'ai i mea e te faia i lenei masini. " +
        "Ina ia alu ese vave, oomi le Esc, po o le Ctrl+Shift+X, po o le {leave}.",
      danger: "O iai i se tulaga mata'utia nei? Vala'au le {111} ma fai atu “Police” (Leoleo).",
      log: "Talanoaga",
      inputLabel: "Lau fe'au",
      placeholder: "Tusi lau fesili",
      send: "Auina atu",
      language: "Filifili le gagana",
      clear: "Tapē lenei talanoaga",
      launcher: "Talanoa: {title}",
      unread: "{label}, tali fou",
      youSaid: "Na e fai mai: ",
      assistant: "Fesoasoani: ",
      replies: "Tali e mafai ona e filifilia",
      writing: "O lo'o tusi le fesoasoani…",
      cleared: "Ua tapē le talanoaga.",
      unreachable: "Fa'amalie atu, e le mafai ona ou fa'afeso'ota'i le fesoasoani i le taimi nei. " +
        "Afai o oe po o se isi o iai i se tulaga mata'utia, vala'au le 111 ma fai atu “Police” (Leoleo).",
      welcome: "Talofa. E mafai ona ou taliina fesili e uiga i le fa'atauina o tagata i Niu Sila, " +
        "ma ta'u atu ia te oe le mea e maua ai se fesoasoani. Fa'amolemole aua ne'i tusia lou igoa, " +
        "lou tuatusi po o lau numera telefoni."
    },
    to: {  // Tongan (machine-drafted: review needed)
      title: "Tokoni fekau'aki mo e fakatau atu 'o e kakai",
      leave: "Mavahe leva",
      close: "Tāpuni 'a e talanoa",
      notice: "'E malava pē ke sio ha taha ki he me'a 'okú ke fai 'i he me'angāué ni. " +
        "Ke mavahe vave, lomi 'a e Esc, pe Ctrl+Shift+X, pe {leave}.",
      danger: "'Okú ke 'i ha fakatu'utāmaki he taimí ni? Tā ki he {111} 'o kole ki he “Police” (Polisi).",
      log: "Talanoa",
      inputLabel: "Ho'o pōpoaki",
      placeholder: "Tohi ho'o fehu'i",
      send: "'Ave",
      language: "Fili 'a e lea",
      clear: "Holoholo 'a e talanoa ni",
      launcher: "Talanoa: {title}",
      unread: "{label}, tali fo'ou",
      youSaid: "Na'á ke pehē: ",
      assistant: "Tokoni: ",
      replies: "Ngaahi tali te ke lava 'o fili",
      writing: "'Oku tohi 'a e tokoni…",
      cleared: "Kuo holoholo 'a e talanoa.",
      unreachable: "Kātaki, 'oku 'ikai lava ke u a'u ki he tokoni he taimí ni. " +
        "Kapau 'okú ke 'i ha fakatu'utāmaki, pe ha taha kehe, tā ki he 111 'o kole ki he “Police” (Polisi).",
      welcome: "Mālō e lelei. 'E lava ke u tali ho'o ngaahi fehu'i fekau'aki mo e fakatau atu 'o e " +
        "kakai 'i Nu'u Sila, mo tala atu 'a e feitu'u ke ma'u ai ha tokoni. Kātaki 'oua na'a ke tohi " +
        "ho hingoa, tu'asila pe fika telefoni."
    },
    zh: {  // Simplified Chinese (machine-drafted: review needed)
      title: "人口贩运求助",
      leave: "立即离开",
      close: "关闭聊天",
      notice: "可能有人能看到你在这台设备上做了什么。要快速离开，请按 Esc 或 Ctrl+Shift+X，或点击“{leave}”。",
      danger: "现在有危险吗？请拨打 {111}，说“Police”（警察）。",
      log: "对话",
      inputLabel: "你的消息",
      placeholder: "输入你的问题",
      send: "发送",
      language: "选择语言",
      clear: "清除此对话",
      launcher: "聊天：{title}",
      unread: "{label}，有新回复",
      youSaid: "你说：",
      assistant: "助手：",
      replies: "可选的回答",
      writing: "助手正在输入…",
      cleared: "对话已清除。",
      unreachable: "抱歉，现在无法连接到助手。如果你或其他人有危险，请拨打 111，说“Police”（警察）。",
      welcome: "Kia ora，你好。我可以回答关于新西兰人口贩运的问题，并告诉你可以在哪里得到帮助。" +
        "请不要输入你的姓名、地址或电话号码。"
    },
    hi: {  // Hindi (machine-drafted: review needed)
      title: "मानव तस्करी के बारे में सहायता",
      leave: "अभी निकलें",
      close: "चैट बंद करें",
      notice: "हो सकता है कि कोई देख सके कि आप इस डिवाइस पर क्या करते हैं। " +
        "जल्दी निकलने के लिए Esc या Ctrl+Shift+X दबाएँ, या “{leave}” दबाएँ।",
      danger: "अभी खतरे में हैं? {111} पर कॉल करें और “Police” (पुलिस) माँगें।",
      log: "बातचीत",
      inputLabel: "आपका संदेश",
      placeholder: "अपना सवाल लिखें",
      send: "भेजें",
      language: "भाषा चुनें",
      clear: "यह बातचीत मिटाएँ",
      launcher: "चैट: {title}",
      unread: "{label}, नया जवाब",
      youSaid: "आपने कहा: ",
      assistant: "सहायक: ",
      replies: "जवाब जो आप चुन सकते हैं",
      writing: "सहायक लिख रहा है…",
      cleared: "बातचीत मिटा दी गई।",
      unreachable: "माफ़ कीजिए, अभी सहायक से संपर्क नहीं हो पा रहा है। " +
        "अगर आप या कोई और खतरे में है, तो 111 पर कॉल करें और “Police” (पुलिस) माँगें।",
      welcome: "Kia ora, नमस्ते। मैं न्यूज़ीलैंड में मानव तस्करी के बारे में सवालों के जवाब दे सकता हूँ, " +
        "और बता सकता हूँ कि सहायता कहाँ मिलेगी। कृपया अपना नाम, पता या फ़ोन नंबर न लिखें।"
    },
    pa: {  // Punjabi, Gurmukhi (machine-drafted: review needed)
      title: "ਮਨੁੱਖੀ ਤਸਕਰੀ ਬਾਰੇ ਸਹਾਇਤਾ",
      leave: "ਹੁਣੇ ਬਾਹਰ ਜਾਓ",
      close: "ਚੈਟ ਬੰਦ ਕਰੋ",
      notice: "ਹੋ ਸਕਦਾ ਹੈ ਕਿ ਕੋਈ ਦੇਖ ਸਕੇ ਕਿ ਤੁਸੀਂ ਇਸ ਡਿਵਾਈਸ ’ਤੇ ਕੀ ਕਰਦੇ ਹੋ। " +
        "ਜਲਦੀ ਬਾਹਰ ਜਾਣ ਲਈ Esc ਜਾਂ Ctrl+Shift+X ਦਬਾਓ, ਜਾਂ “{leave}” ਦਬਾਓ।",
      danger: "ਕੀ ਤੁਸੀਂ ਹੁਣ ਖ਼ਤਰੇ ਵਿੱਚ ਹੋ? {111} ’ਤੇ ਕਾਲ ਕਰੋ ਅਤੇ “Police” (ਪੁਲਿਸ) ਮੰਗੋ।",
      log: "ਗੱਲਬਾਤ",
      inputLabel: "ਤੁਹਾਡਾ ਸੁਨੇਹਾ",
      placeholder: "ਆਪਣਾ ਸਵਾਲ ਲਿਖੋ",
      send: "ਭੇਜੋ",
      language: "ਭਾਸ਼ਾ ਚੁਣੋ",
      clear: "ਇਹ ਗੱਲਬਾਤ ਮਿਟਾਓ",
      launcher: "ਚੈਟ: {title}",
      unread: "{label}, ਨਵਾਂ ਜਵਾਬ",
      youSaid: "ਤੁਸੀਂ ਕਿਹਾ: ",
      assistant: "ਸਹਾਇਕ: ",
      replies: "ਜਵਾਬ ਜੋ ਤੁਸੀਂ ਚੁਣ ਸਕਦੇ ਹੋ",
      writing: "ਸਹਾਇਕ ਲਿਖ ਰਿਹਾ ਹੈ…",
      cleared: "ਗੱਲਬਾਤ ਮਿਟਾ ਦਿੱਤੀ ਗਈ।",
      unreachable: "ਮਾਫ਼ ਕਰਨਾ, ਹੁਣ ਸਹਾਇਕ ਨਾਲ ਸੰਪਰਕ ਨਹੀਂ ਹੋ ਰਿਹਾ। " +
        "ਜੇ ਤੁਸੀਂ ਜਾਂ ਕੋਈ ਹੋਰ ਖ਼ਤਰੇ ਵਿੱਚ ਹੈ, ਤਾਂ 111 ’ਤੇ ਕਾਲ ਕਰੋ ਅਤੇ “Police” (ਪੁਲਿਸ) ਮੰਗੋ।",
      welcome: "Kia ora, ਸਤ ਸ੍ਰੀ ਅਕਾਲ। ਮੈਂ ਨਿਊਜ਼ੀਲੈਂਡ ਵਿੱਚ ਮਨੁੱਖੀ ਤਸਕਰੀ ਬਾਰੇ ਸਵਾਲਾਂ ਦੇ ਜਵਾਬ ਦੇ ਸਕਦਾ ਹਾਂ, " +
        "ਅਤੇ ਦੱਸ ਸਕਦਾ ਹਾਂ ਕਿ ਸਹਾਇਤਾ ਕਿੱਥੋਂ ਮਿਲੇਗੀ। ਕਿਰਪਾ ਕਰਕੇ ਆਪਣਾ ਨਾਮ, ਪਤਾ ਜਾਂ ਫ਼ੋਨ ਨੰਬਰ ਨਾ ਲਿਖੋ।"
    },
    tl: {  // Tagalog (machine-drafted: review needed)
      title: "Tulong tungkol sa human trafficking",
      leave: "Umalis ngayon",
      close: "Isara ang chat",
      notice: "Maaaring may makakita sa ginagawa mo sa device na ito. " +
        "Para mabilis na umalis, pindutin ang Esc, o Ctrl+Shift+X, o {leave}.",
      danger: "Nasa panganib ngayon? Tumawag sa {111} at humingi ng “Police” (Pulisya).",
      log: "Usapan",
      inputLabel: "Ang mensahe mo",
      placeholder: "I-type ang tanong mo",
      send: "Ipadala",
      language: "Pumili ng wika",
      clear: "Burahin ang usapang ito",
      launcher: "Chat: {title}",
      unread: "{label}, may bagong sagot",
      youSaid: "Sinabi mo: ",
      assistant: "Katulong: ",
      replies: "Mga sagot na mapipili mo",
      writing: "Nagsusulat ang katulong…",
      cleared: "Nabura na ang usapan.",
      unreachable: "Paumanhin, hindi ko maabot ang katulong ngayon. " +
        "Kung ikaw o ibang tao ay nasa panganib, tumawag sa 111 at humingi ng “Police” (Pulisya).",
      welcome: "Kia ora. Masasagot ko ang mga tanong tungkol sa human trafficking sa New Zealand, " +
        "at masasabi ko kung saan makakakuha ng tulong. Pakiusap, huwag i-type ang pangalan, " +
        "address o numero ng telepono mo."
    },
    es: {  // Spanish (machine-drafted: review needed)
      title: "Ayuda sobre la trata de personas",
      leave: "Salir ya",
      close: "Cerrar el chat",
      notice: "Es posible que alguien pueda ver lo que haces en este dispositivo. " +
        "Para salir rápido, pulsa Esc, o Ctrl+Shift+X, o «{leave}».",
      danger: "¿Corres peligro ahora? Llama al {111} y pide “Police” (Policía).",
      log: "Conversación",
      inputLabel: "Tu mensaje",
      placeholder: "Escribe tu pregunta",
      send: "Enviar",
      language: "Elegir idioma",
      clear: "Borrar esta conversación",
      launcher: "Chat: {title}",
      unread: "{label}, respuesta nueva",
      youSaid: "Dijiste: ",
      assistant: "Asistente: ",
      replies: "Respuestas que puedes elegir",
      writing: "El asistente está escribiendo…",
      cleared: "Se borró la conversación.",
      unreachable: "Lo siento, ahora no puedo conectar con el asistente. " +
        "Si tú u otra persona corren peligro, llama al 111 y pide “Police” (Policía).",
      welcome: "Kia ora, hola. Puedo responder preguntas sobre la trata de personas en Nueva Zelanda " +
        "y decirte dónde pedir ayuda. Por favor, no escribas tu nombre, dirección ni número de teléfono."
    },
    ko: {  // Korean (machine-drafted: review needed)
      title: "인신매매 관련 도움",
      leave: "지금 나가기",
      close: "채팅 닫기",
      notice: "누군가 이 기기에서 하는 일을 볼 수 있을지도 모릅니다. " +
        "빨리 나가려면 Esc 또는 Ctrl+Shift+X를 누르거나 ‘{leave}’를 누르세요.",
      danger: "지금 위험한가요? {111}에 전화해서 “Police”(경찰)를 요청하세요.",
      log: "대화",
      inputLabel: "메시지",
      placeholder: "질문을 입력하세요",
      send: "보내기",
      language: "언어 선택",
      clear: "이 대화 지우기",
      launcher: "채팅: {title}",
      unread: "{label}, 새 답변",
      youSaid: "내가 한 말: ",
      assistant: "도우미: ",
      replies: "선택할 수 있는 답변",
      writing: "도우미가 답변을 쓰고 있습니다…",
      cleared: "대화를 지웠습니다.",
      unreachable: "죄송합니다. 지금은 도우미에 연결할 수 없습니다. " +
        "본인이나 다른 사람이 위험하다면 111에 전화해서 “Police”(경찰)를 요청하세요.",
      welcome: "Kia ora, 안녕하세요. 뉴질랜드의 인신매매에 관한 질문에 답하고, 어디에서 도움을 받을 수 있는지 " +
        "알려 드릴 수 있습니다. 이름, 주소, 전화번호는 입력하지 마세요."
    },
    vi: {  // Vietnamese (machine-drafted: review needed)
      title: "Trợ giúp về nạn buôn người",
      leave: "Rời đi ngay",
      close: "Đóng cuộc trò chuyện",
      notice: "Có thể có người thấy được những gì bạn làm trên thiết bị này. " +
        "Để rời đi nhanh, hãy nhấn Esc, hoặc Ctrl+Shift+X, hoặc “{leave}”.",
      danger: "Đang gặp nguy hiểm? Hãy gọi {111} và xin gặp “Police” (Cảnh sát).",
      log: "Cuộc trò chuyện",
      inputLabel: "Tin nhắn của bạn",
      placeholder: "Nhập câu hỏi của bạn",
      send: "Gửi",
      language: "Chọn ngôn ngữ",
      clear: "Xóa cuộc trò chuyện này",
      launcher: "Trò chuyện: {title}",
      unread: "{label}, có câu trả lời mới",
      youSaid: "Bạn đã nói: ",
      assistant: "Trợ lý: ",
      replies: "Các câu trả lời bạn có thể chọn",
      writing: "Trợ lý đang viết…",
      cleared: "Cuộc trò chuyện đã được xóa.",
      unreachable: "Xin lỗi, hiện không thể kết nối với trợ lý. " +
        "Nếu bạn hoặc người khác đang gặp nguy hiểm, hãy gọi 111 và xin gặp “Police” (Cảnh sát).",
      welcome: "Kia ora, xin chào. Tôi có thể trả lời các câu hỏi về nạn buôn người ở New Zealand " +
        "và cho bạn biết nơi có thể nhận trợ giúp. Xin đừng nhập tên, địa chỉ hoặc số điện thoại của bạn."
    },
    fj: {  // Fijian (machine-drafted: review needed)
      title: "Veivuke me baleta na veivoli tamata",
      leave: "Lako tani sara",
      close: "Sogota na veitalanoa",
      notice: "E rawa ni dua e raica na ka o cakava ena misini oqo. " +
        "Me o lako tani vakatotolo, tabaka na Esc, se Ctrl+Shift+X, se {leave}.",
      danger: "O tu ena rerevaki ena gauna oqo? Qiri ki na {111} ka kerea na “Police” (ovisa).",
      log: "Veitalanoa",
      inputLabel: "Na nomu itukutuku",
      placeholder: "Vola na nomu taro",
      send: "Vakauta",
      language: "Digitaka na vosa",
      clear: "Bokoca na veitalanoa oqo",
      launcher: "Veitalanoa: {title}",
      unread: "{label}, e dua na isau vou",
      youSaid: "O kaya: ",
      assistant: "Dauveivuke: ",
      replies: "Na isau o rawa ni digitaka",
      writing: "E vola tiko na dauveivuke…",
      cleared: "Sa bokoci na veitalanoa.",
      unreachable: "Vosoti au, au sega ni rawa ni veitaratara kei na dauveivuke ena gauna oqo. " +
        "Kevaka o iko se dua tale e tu ena rerevaki, qiri ki na 111 ka kerea na “Police” (ovisa).",
      welcome: "Bula vinaka. Au rawa ni sauma na taro me baleta na veivoli tamata e Niu Siladi, " +
        "ka tukuna vei iko na vanua o rawa ni vukei kina. Yalovinaka kakua ni vola na yacamu, " +
        "na nomu itikotiko se na naba ni nomu talevoni."
    },
    hif: {  // Fiji Hindi, in Latin letters as it is usually written (machine-drafted: review needed)
      title: "People trafficking ke baare me madat",
      leave: "Abhi nikal jao",
      close: "Chat band karo",
      notice: "Koi dekh sake hai ki tum ii device pe kaa karta hai. " +
        "Jaldi nikle khatir Esc, nahi to Ctrl+Shift+X, nahi to {leave} dabao.",
      danger: "Abhi khatra me hai? {111} ke phone karo aur “Police” (pulis) maango.",
      log: "Baatchit",
      inputLabel: "Tumhaar message",
      placeholder: "Aapan sawaal likho",
      send: "Bhejo",
      language: "Bhasa chuno",
      clear: "Ii baatchit mitao",
      launcher: "Chat: {title}",
      unread: "{label}, naya jawaab",
      youSaid: "Tum bola: ",
      assistant: "Sahayak: ",
      replies: "Jawaab jon tum chun sakta hai",
      writing: "Sahayak likhe hai…",
      cleared: "Baatchit mitaa diya gaya.",
      unreachable: "Maaf karo, abhi sahayak se baat nahi hoe sake hai. " +
        "Agar tum nahi to koi aur khatra me hai, to 111 ke phone karo aur “Police” (pulis) maango.",
      welcome: "Kia ora, namaste. Hum New Zealand me people trafficking ke baare me sawaal ke " +
        "jawaab de sakta hai, aur bataye sakta hai ki madat kahan milii. Aapan naam, address " +
        "nahi to phone number mat likho."
    }
  };
  // The lang attribute where it says more than the code (the Chinese is Simplified:
  // fonts pick Simplified glyph shapes).
  var LANG_TAGS = { zh: "zh-Hans" };
  // Each language by its own name, for the language button and its list (in this order).
  var NAMES = {
    en: "English", mi: "te reo Māori", sm: "Gagana Sāmoa", to: "lea faka-Tonga", zh: "中文",
    hi: "हिन्दी", pa: "ਪੰਜਾਬੀ", tl: "Tagalog", es: "Español", ko: "한국어", vi: "Tiếng Việt",
    fj: "Na Vosa Vakaviti", hif: "Fiji Baat"
  };
  var RIGHT_TO_LEFT = {};  // none of the languages yet; e.g. { ar: true } for Arabic
  var ALIASES = { fil: "tl", "zh-hans": "zh", "zh-cn": "zh", "zh-sg": "zh", "zh-hans-cn": "zh" };

  function owns(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  // A language code the widget has words for, from a tag such as "zh-CN", "fil",
  // "mi-NZ" or "HI"; null for anything else.
  function languageCode(value) {
    if (typeof value !== "string") {
      return null;
    }
    var tag = value.trim().toLowerCase().replace(/_/g, "-");
    var primary = tag.split("-")[0];
    var candidates = [tag, primary];
    for (var i = 0; i < candidates.length; i += 1) {
      var code = owns(ALIASES, candidates[i]) ? ALIASES[candidates[i]] : candidates[i];
      if (code && owns(STRINGS, code)) {
        return code;
      }
    }
    return null;
  }

  var data = script.dataset;
  var config = {
    server: (data.server || "").replace(/\/+$/, ""),
    title: data.title || "",  // the title in the page's language (data-lang), if given
    pageLang: languageCode(data.lang) || "en",
    exitUrl: data.exitUrl || "https://www.metservice.com",
    target: data.target || ""
  };
  var WEBHOOK = config.server + "/webhooks/webchat/webhook";
  var FORGET = config.server + "/webhooks/webchat/forget";
  var SAFE_LINK = /^(https?:|tel:)/i;
  var URL_IN_TEXT = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)])/g;

  var state = {
    sender: newId(), pending: null, gone: false, lang: config.pageLang, status: null, unread: false
  };
  var SHORTCUTS = "Escape Control+Shift+X";

  // --- words in the widget's language (English where a translation is missing) ---------
  function has(key) {
    return typeof STRINGS[state.lang][key] === "string";
  }

  function t(key, values) {
    var text = has(key) ? STRINGS[state.lang][key] : STRINGS.en[key];
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && owns(values, name) ? String(values[name]) : whole;
    });
  }

  function tagOf(code) {
    return owns(LANG_TAGS, code) ? LANG_TAGS[code] : code;
  }

  // The language a string is shown in: the widget's, or English if it fell back.
  function langOf(key) {
    return tagOf(has(key) ? state.lang : "en");
  }

  // Text from the table, with lang="en" on the element when it fell back to English.
  function setText(node, key, values) {
    node.textContent = t(key, values);
    if (has(key)) {
      node.removeAttribute("lang");
    } else {
      node.setAttribute("lang", "en");
    }
  }

  function title() {
    return config.title && state.lang === config.pageLang ? config.title : t("title");
  }

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // A line icon, drawn in the current text colour and hidden from screen readers.
  function icon(path, className) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    var attributes = {
      "class": className, viewBox: "0 0 24 24", width: "24", height: "24", fill: "none",
      stroke: "currentColor", "stroke-width": "2", "stroke-linecap": "round",
      "stroke-linejoin": "round", "aria-hidden": "true", focusable: "false"
    };
    Object.keys(attributes).forEach(function (name) {
      svg.setAttribute(name, attributes[name]);
    });
    var line = document.createElementNS(ns, "path");
    line.setAttribute("d", path);
    svg.appendChild(line);
    return svg;
  }

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // --- the stylesheet, from beside this script -----------------------------
  var base = new URL(script.src, document.baseURI);
  var cssHref = new URL("widget.css", base).href;
  var haveCss = Array.prototype.some.call(
    document.querySelectorAll("link[rel=stylesheet]"),
    function (link) { return link.href === cssHref; }
  );
  if (!haveCss) {
    document.head.appendChild(el("link", { rel: "stylesheet", href: cssHref }));
  }

  // --- the widget's parts (their words are set by showLanguage) -----------------------
  var mount = config.target ? document.querySelector(config.target) : null;
  var withLauncher = !mount;  // no place in the page: a button in the corner opens the chat

  var panelId = "nzth-panel-" + newId().slice(0, 8);
  var root = el("section", { "class": "nzth", id: panelId });
  var header = el("div", { "class": "nzth-header" });
  var heading = el("h2", { "class": "nzth-title" });
  header.appendChild(heading);
  var controls = el("div", { "class": "nzth-controls" });
  header.appendChild(controls);
  // The language button: the widget's language by its own name (and a globe, for
  // someone who cannot read it). It opens the list of languages below the header.
  var languagesId = "nzth-languages-" + newId().slice(0, 8);
  var languageButton = el("button", {
    type: "button", "class": "nzth-language", "aria-expanded": "false", "aria-controls": languagesId
  });
  languageButton.appendChild(icon(
    "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18zM3 12h18M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9" +
      "M12 3c-2.5 2.5-3.5 5.5-3.5 9s1 6.5 3.5 9",
    "nzth-icon"
  ));
  var languageName = el("span");
  languageButton.appendChild(languageName);
  controls.appendChild(languageButton);
  var leaveButton = el("button", {
    type: "button", "class": "nzth-leave", "aria-keyshortcuts": SHORTCUTS
  });
  controls.appendChild(leaveButton);
  var closeButton = null;
  if (withLauncher) {
    // Hides the panel; the conversation is kept ("Leave now" is the way out).
    closeButton = el("button", { type: "button", "class": "nzth-close" });
    closeButton.appendChild(icon("M6 6l12 12M18 6L6 18", "nzth-icon"));
    controls.appendChild(closeButton);
  }
  root.appendChild(header);

  // The languages, each a button with its own name (in its own language).
  var languageList = el("ul", { "class": "nzth-languages", id: languagesId });
  languageList.hidden = true;
  var languageOptions = {};
  Object.keys(NAMES).forEach(function (code) {
    var option = el("button", {
      type: "button", "class": "nzth-language-option", lang: tagOf(code)
    }, NAMES[code]);
    option.addEventListener("click", function () {
      chooseLanguage(code);
    });
    languageOptions[code] = option;
    var item = el("li");
    item.appendChild(option);
    languageList.appendChild(item);
  });
  root.appendChild(languageList);

  var notice = el("p", { "class": "nzth-notice" });
  root.appendChild(notice);
  var danger = el("p", { "class": "nzth-danger" });
  root.appendChild(danger);

  var log = el("div", {
    "class": "nzth-log", role: "log", "aria-live": "polite",
    "aria-relevant": "additions", tabindex: "0"
  });
  root.appendChild(log);

  var status = el("p", { "class": "nzth-status", role: "status" });
  root.appendChild(status);

  var form = el("form", { "class": "nzth-form", autocomplete: "off" });
  var inputId = "nzth-input-" + newId().slice(0, 8);
  var inputLabel = el("label", { "for": inputId, "class": "nzth-visually-hidden" });
  form.appendChild(inputLabel);
  var input = el("input", {
    id: inputId, type: "text", "class": "nzth-input", maxlength: "2000",
    // Nothing typed goes to a spell checker (some are cloud services) or into
    // the browser's saved form entries.
    autocomplete: "off", autocorrect: "off", autocapitalize: "off", spellcheck: "false"
  });
  form.appendChild(input);
  var sendButton = el("button", { type: "submit", "class": "nzth-send" });
  form.appendChild(sendButton);
  root.appendChild(form);

  var clearButton = el("button", { type: "button", "class": "nzth-clear" });
  root.appendChild(clearButton);

  var dock = null;
  var launcher = null;
  if (withLauncher) {
    // The panel above a round button, fixed in the bottom right corner. The
    // button's state (aria-expanded) says whether the panel is open.
    dock = el("div", { "class": "nzth-dock" });
    root.hidden = true;
    root.classList.add("nzth-panel");
    dock.appendChild(root);
    launcher = el("button", {
      type: "button", "class": "nzth-launcher",
      "aria-expanded": "false", "aria-controls": panelId
    });
    // A speech bubble while closed, a cross while open (widget.css shows one).
    launcher.appendChild(icon(
      "M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.5 4v-4A2.5 2.5 0 0 1 4 13.5z",
      "nzth-icon nzth-icon-chat"
    ));
    launcher.appendChild(icon("M6 6l12 12M18 6L6 18", "nzth-icon nzth-icon-close"));
    dock.appendChild(launcher);
  }

  // --- the widget's language ---------------------------------------------------------
  // Puts every word of the widget (not the conversation) in `code`'s language,
  // in place: the conversation, the message being typed and the focus stay.
  function showLanguage(code) {
    state.lang = code;
    [root, dock].forEach(function (node) {
      if (node) {
        node.setAttribute("lang", tagOf(code));
        node.setAttribute("dir", RIGHT_TO_LEFT[code] ? "rtl" : "ltr");
      }
    });
    var name = title();
    heading.textContent = name;
    if (name === t("title") && !has("title")) {
      heading.setAttribute("lang", "en");
    } else {
      heading.removeAttribute("lang");
    }
    root.setAttribute("aria-label", name);
    // The button's name says what it does, and (for voice control) what it shows.
    languageName.textContent = NAMES[code];
    languageButton.setAttribute("aria-label", t("language") + ": " + NAMES[code]);
    languageList.setAttribute("aria-label", t("language"));
    Object.keys(languageOptions).forEach(function (other) {
      if (other === code) {
        languageOptions[other].setAttribute("aria-current", "true");
      } else {
        languageOptions[other].removeAttribute("aria-current");
      }
    });
    setText(leaveButton, "leave");
    if (closeButton) {
      closeButton.setAttribute("aria-label", t("close"));
    }
    setText(notice, "notice", { leave: t("leave") });
    // "... Call 111 ...": the number is a link, wherever the sentence puts it.
    var parts = t("danger").split("{111}");
    while (danger.firstChild) {
      danger.removeChild(danger.firstChild);
    }
    danger.appendChild(document.createTextNode(parts[0]));
    danger.appendChild(el("a", { href: "tel:111" }, "111"));
    danger.appendChild(document.createTextNode(parts.slice(1).join("111")));
    danger.setAttribute("lang", langOf("danger"));
    log.setAttribute("aria-label", t("log"));
    setText(inputLabel, "inputLabel");
    input.setAttribute("placeholder", t("placeholder"));
    setText(sendButton, "send");
    setText(clearButton, "clear");
    setStatus(state.status);
    setUnread(state.unread);
  }

  // The language list: open, it moves the focus to the language shown now.
  function showLanguageList(open) {
    languageList.hidden = !open;
    languageButton.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      languageOptions[state.lang].focus();
    }
  }

  // The person chose a language: the widget's words change at once, and the next
  // message tells the server (nothing is sent now). Before anything is said, the
  // welcome is shown again in that language.
  function chooseLanguage(code) {
    showLanguageList(false);
    if (code !== state.lang) {
      showLanguage(code);
      if (!state.pending && !log.querySelector(".nzth-user")) {
        while (log.firstChild) {
          log.removeChild(log.firstChild);
        }
        showOwn("welcome");
      }
    }
    languageButton.focus();
  }

  // The language a bot message says it is in, if the widget has it: custom.language,
  // or language (where the channel moves it, since Rasa sends a message's custom
  // part as a message of its own).
  function languageOfMessage(message) {
    if (!message || typeof message !== "object") {
      return null;
    }
    return languageCode(message.custom && message.custom.language) || languageCode(message.language);
  }

  // --- showing messages ---------------------------------------------------------
  function scrollToEnd() {
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    log.scrollTo({ top: log.scrollHeight, behavior: still ? "auto" : "smooth" });
  }

  function appendText(container, text) {
    // Text with web addresses turned into links; never parsed as HTML.
    text.split("\n").forEach(function (line, index) {
      if (index > 0) {
        container.appendChild(el("br"));
      }
      var last = 0;
      line.replace(URL_IN_TEXT, function (url, _group, offset) {
        container.appendChild(document.createTextNode(line.slice(last, offset)));
        container.appendChild(el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url));
        last = offset + url.length;
        return url;
      });
      container.appendChild(document.createTextNode(line.slice(last)));
    });
  }

  // A label for screen readers ("You said: "), in the language it is written in.
  function speakerLabel(key) {
    return el("span", { "class": "nzth-visually-hidden", lang: langOf(key) }, t(key));
  }

  function showUser(text) {
    var bubble = el("div", { "class": "nzth-msg nzth-user" });
    bubble.appendChild(speakerLabel("youSaid"));
    bubble.appendChild(document.createTextNode(text));
    log.appendChild(bubble);
    scrollToEnd();
  }

  function safeLinks(message) {
    var links = (message.custom && message.custom.links) || [];
    return Array.isArray(links) ? links.filter(function (link) {
      return link && typeof link.href === "string" && SAFE_LINK.test(link.href);
    }) : [];
  }

  // `lang`: the language tag of the message's text, when known.
  function showBot(message, lang) {
    var links = safeLinks(message);
    var buttons = Array.isArray(message.buttons) ? message.buttons : [];
    if (!message.text && !links.length && !buttons.length) {
      return;  // nothing to show (such as a message that only says its language)
    }
    // A message of links only (such as "Call 111") gets no bubble of its own.
    var bubble = el("div", { "class": message.text ? "nzth-msg nzth-bot" : "nzth-msg nzth-bot nzth-bare" });
    if (lang) {
      bubble.setAttribute("lang", lang);
    }
    bubble.appendChild(speakerLabel("assistant"));
    if (message.text) {
      appendText(bubble, String(message.text));
    }
    if (links.length) {
      var list = el("div", { "class": "nzth-links" });
      links.forEach(function (link) {
        var attributes = { href: link.href, "class": "nzth-link-button" };
        if (!/^tel:/i.test(link.href)) {
          attributes.target = "_blank";
          attributes.rel = "noopener noreferrer";
        }
        list.appendChild(el("a", attributes, String(link.label || link.href)));
      });
      bubble.appendChild(list);
    }
    log.appendChild(bubble);
    if (buttons.length) {
      var group = el("div", {
        "class": "nzth-replies", role: "group", "aria-label": t("replies")
      });
      if (lang) {
        group.setAttribute("lang", lang);
      }
      buttons.forEach(function (button) {
        var choice = el("button", { type: "button", "class": "nzth-reply" }, String(button.title));
        choice.addEventListener("click", function () {
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) {
            b.disabled = true;
          });
          send(String(button.payload), String(button.title));
        });
        group.appendChild(choice);
      });
      log.appendChild(group);
    }
    scrollToEnd();
  }

  // A message of the widget's own (not from the server), in the widget's language.
  function showOwn(key) {
    showBot({ text: t(key) }, langOf(key));
  }

  // --- talking to the server ------------------------------------------------------
  function setStatus(key) {
    state.status = key;
    status.textContent = key ? t(key) : "";
  }

  function setBusy(busy) {
    log.setAttribute("aria-busy", busy ? "true" : "false");
    sendButton.disabled = busy;
    setStatus(busy ? "writing" : null);
  }

  // Every message: JSON, no cookies, nothing cached, no referrer. (A beacon
  // cannot choose: it goes with the page's referrer policy and any cookies the
  // browser holds for the server's site; the widget sets none.)
  function postJson(url, body, extra) {
    var options = {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer"
    };
    Object.keys(extra).forEach(function (key) { options[key] = extra[key]; });
    return fetch(url, options);
  }

  function send(payload, shown) {
    if (state.gone || !payload.trim()) {
      return;
    }
    showUser(shown || payload);
    var controller = new AbortController();
    state.pending = controller;
    setBusy(true);
    // The server hears the language the widget shows (data-lang, then the conversation's).
    var request = { sender: state.sender, message: payload, metadata: { language: state.lang } };
    postJson(WEBHOOK, request, { signal: controller.signal }).then(function (response) {
      return response.json().then(function (messages) {
        if (!Array.isArray(messages)) {
          throw new Error("unexpected answer");
        }
        return messages;
      });
    }).then(function (messages) {
      if (state.pending !== controller) {
        return;  // cleared or left meanwhile
      }
      if (!messages.length) {
        showOwn("unreachable");
      }
      // The conversation's language, once the server knows it: the widget follows.
      // One answer is in one language, which may come in any of its messages.
      var answerLang = null;
      messages.forEach(function (message) {
        answerLang = languageOfMessage(message) || answerLang;
      });
      if (answerLang && answerLang !== state.lang) {
        showLanguage(answerLang);
      }
      messages.forEach(function (message) {
        var code = languageOfMessage(message) || answerLang;
        showBot(message && typeof message === "object" ? message : {}, code ? tagOf(code) : null);
      });
    }).catch(function () {
      if (state.pending === controller) {
        showOwn("unreachable");
      }
    }).then(function () {
      if (state.pending === controller) {
        state.pending = null;
        setBusy(false);
        if (!isOpen()) {
          setUnread(true);  // answered while the panel was closed
        }
      }
    });
  }

  // A beacon outlives the page, so the server hears "forget" even as the page is
  // replaced. Its body is JSON sent as text/plain: browsers do not preflight a
  // beacon, so a non-safelisted type such as application/json would be refused.
  function forgetOnServer(sender) {
    var body = JSON.stringify({ sender: sender });
    var sent = false;
    if (navigator.sendBeacon) {
      try {
        sent = navigator.sendBeacon(FORGET, new Blob([body], { type: "text/plain;charset=UTF-8" }));
      } catch (error) {
        sent = false;
      }
    }
    if (sent) {
      return;
    }
    try {
      fetch(FORGET, {
        method: "POST",
        headers: { "Content-Type": "text/plain;charset=UTF-8" },
        body: body,
        keepalive: true,
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer"
      }).catch(function () { /* the server forgets idle conversations anyway */ });
    } catch (error) {
      /* as above */
    }
  }

  // A fresh conversation, in the language the widget shows now.
  function clearConversation() {
    if (state.pending) {
      state.pending.abort();
      state.pending = null;
    }
    var old = state.sender;
    state.sender = newId();
    forgetOnServer(old);
    while (log.firstChild) {
      log.removeChild(log.firstChild);
    }
    input.value = "";
    setBusy(false);
    setStatus("cleared");
    showOwn("welcome");
    input.focus();
  }

  function leaveNow() {
    if (state.gone) {
      return;
    }
    state.gone = true;
    if (state.pending) {
      state.pending.abort();
    }
    forgetOnServer(state.sender);
    state.sender = null;
    state.pending = null;
    input.value = "";
    (dock || root).remove();
    document.title = "";
    window.location.replace(config.exitUrl);
  }

  // --- the launcher: opening and closing the panel ---------------------------------
  function isOpen() {
    return !withLauncher || !root.hidden;
  }

  function setUnread(unread) {
    state.unread = unread;
    if (!launcher) {
      return;
    }
    var label = t("launcher", { title: title() });
    launcher.classList.toggle("nzth-unread", unread);
    launcher.setAttribute("aria-label", unread ? t("unread", { label: label }) : label);
  }

  function openPanel() {
    root.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    setUnread(false);
    log.scrollTop = log.scrollHeight;
    input.focus();
  }

  function closePanel() {
    root.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  // --- events --------------------------------------------------------------------
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
    input.focus();
  });
  leaveButton.addEventListener("click", leaveNow);
  // Esc stays the quick exit: the list closes with this button again, or by choosing.
  languageButton.addEventListener("click", function () {
    showLanguageList(languageList.hidden);
  });
  clearButton.addEventListener("click", clearConversation);
  if (withLauncher) {
    launcher.addEventListener("click", function () {
      if (isOpen()) {
        closePanel();
      } else {
        openPanel();
      }
    });
    closeButton.addEventListener("click", closePanel);
  }
  // While an input method composes text (Chinese, Japanese, Korean...), Esc
  // cancels the composition: such key presses are the IME's, never an exit.
  function composing(event) {
    return event.isComposing || event.keyCode === 229;
  }

  // Ctrl+Shift+X: no key press that types text has Ctrl and Shift without Alt
  // (AltGr is Ctrl+Alt on Windows) or Meta. X by the letter it gives, or by its
  // place on the keyboard in layouts without Latin letters.
  function isExitChord(event) {
    if (!event.ctrlKey || !event.shiftKey || event.altKey || event.metaKey) {
      return false;
    }
    if (event.getModifierState && event.getModifierState("AltGraph")) {
      return false;
    }
    var key = String(event.key || "");
    return key.toLowerCase() === "x" || (event.code === "KeyX" && !/^[a-z]$/i.test(key));
  }

  document.addEventListener("keydown", function (event) {
    if (composing(event)) {
      return;
    }
    if (event.key === "Escape" || event.key === "Esc" || isExitChord(event)) {
      event.preventDefault();
      leaveNow();
    }
  }, true);

  showLanguage(state.lang);
  setBusy(false);
  showOwn("welcome");
  if (withLauncher) {
    document.body.appendChild(dock);
  } else {
    mount.appendChild(root);
  }
})();
