"""The safety net and the answer reader in the twelve languages we answer in.

For each language: its ways of saying "help me (now)", "I'm not safe", "they
are coming", "he is here" and "they hit me" get 111 with the Police answer
without the classifier (bot/nlu/safety_terms.yml), and so do its self-harm and
medical phrases, with their kinds; its exit and forget words end the form and
delete the conversation; its yes, no and skip words are read right
(actions/content/self_check.yml, `answers:`); and ordinary sentences in it,
questions about help and the Police included, are not taken for danger.

The phrases were written for these tests, apart from the training examples in
data/nlu/multilingual.yml (tests/unit/test_safety.py checks those). Vietnamese
and the Pacific languages are typed both with and without their marks.
"""

from __future__ import annotations

import pytest

from actions.answers import read_answer
from bot.nlu.safety import (
    EMERGENCY,
    FORGET,
    MEDICAL,
    POLICE,
    SELF_HARM,
    STOP,
    classify_text,
    clean_text,
    judge,
    load_terms,
    normalise,
)

# language code -> what each kind of message looks like in it
LANGUAGES: dict[str, dict[str, list[str]]] = {
    "mi": {  # te reo Māori
        POLICE: [
            "āwhina!",
            "awhina mai",
            "Tēnā koa, āwhina mai",
            "āwhinatia ahau inaianei",
            "awhina mai inaianei tonu",
            "kāore au i te haumaru",
            "Kaore matou i te haumaru i konei",
            "kei te mōrearea ahau",
            "kei te haere mai rātou",
            "e haere mai ana te rangatira",
            "kei konei ia!",
            "kei waho ia inaianei",
            "kei te patu ia i ahau",
            "i patua au e ia",
        ],
        SELF_HARM: ["kei te hiahia au ki te mate", "e hiahia ana ahau kia mate", "whakamomori"],
        MEDICAL: ["tonoa mai he waka tūroro", "e rere ana te toto", "kāore ia e hā ana"],
        "exit": ["Kāti", "kati!", "whakamutua", "kua mutu"],
        "forget": ["whakawarewaretia ahau", "Mukua tēnei kōrero", "mukua nga korero katoa"],
        "yes": ["āe", "Ae mārika", "āe rā", "tika"],
        "no": ["kāo", "kāore", "kaore rawa", "ehara i te tika"],
        "skipped": ["aua", "kāore au i te mōhio", "kaore au e mohio"],
        "calm": [
            "kei hea au whiwhi āwhina?",
            "ko wai ka āwhina i ahau",
            "me pēhea au e kōrero ki ngā Pirihimana?",
            "kei te hiahia au ki te kōrero ki te pirihimana",
            "kia ora rawa atu mō tō āwhina",
            "kei te mahi au i te pāmu",
            "he aha te whiu mō te patu tangata?",
            "kei konei ia e mahi ana",
        ],
    },
    "sm": {  # Samoan
        POLICE: [
            "fesoasoani!",
            "Fesoasoani mai",
            "faʻamolemole fesoasoani mai",
            "fa'amolemole fesoasoani mai ia te a'u",
            "fesoasoani mai nei loa",
            "ou te le saogalemu",
            "Ou te lē saogalemu iinei",
            "ua lamatia loʻu ola",
            "o lo'o o mai latou",
            "ua sau le pule",
            "o loʻo i ai o ia iinei",
            "ua sasa aʻu e loʻu pule",
            "o lo o fasi a'u",
        ],
        SELF_HARM: ["ou te fia oti", "Ou te fia oti lava", "ou te fia pule i lo'u ola"],
        MEDICAL: ["o loʻo tafe le toto", "valaau se taavale a le falemai", "ua le manava"],
        "exit": ["taofi", "Taofi loa!", "ua lava", "faʻamuta", "fa'amuta"],
        "forget": ["faʻagalo aʻu", "fa'agalo a'u", "tape lenei talanoaga"],
        "yes": ["ioe", "Ioe lava", "saʻo", "sa'o"],
        "no": ["leai", "leai lava", "e leai"],
        "skipped": ["ou te le iloa", "Ou te lē iloa", "pasi"],
        "calm": [
            "o fea e maua ai se fesoasoani?",
            "o ai e mafai ona fesoasoani mai ia te au?",
            "e faapefea ona ou lipoti i leoleo",
            "faafetai mo le fesoasoani",
            "ua ave e le pule loʻu tusifolau",
            "e lei totogiina au i le tele o vaiaso",
            "o le pule iinei e leaga tele",
            "na latou o mai i Samoa i le tausaga talu ai",
        ],
    },
    "to": {  # Tongan
        POLICE: [
            "tokoni!",
            "tokoni mai",
            "kātaki tokoni mai",
            "Tokoniʻi au",
            "tokoni mai leva",
            "ʻoku ʻikai ke u malu",
            "'oku 'ikai ke u malu heni",
            "oku ikai ke u hao",
            "ʻoku nau haʻu",
            "kuo nau ha'u",
            "ʻoku haʻu ʻa e pule",
            "ʻoku ʻi heni ia",
            "oku nau i tua",
            "naʻa ne taaʻi au",
            "ʻoku nau haha au",
        ],
        SELF_HARM: ["ʻoku ou fie mate", "oku ou fie mate", "taonakita"],
        MEDICAL: [],
        "exit": ["tuku", "Tuku ia", "fakaʻosi", "faka'osi"],
        "forget": ["fakangaloʻi au", "fakangalo'i au", "holoki ʻa e talanoa ni"],
        "yes": ["ʻio", "'io", "io", "ʻio moʻoni"],
        "no": ["ʻikai", "'ikai", "ikai", "ʻikai, mālō"],
        "skipped": ["ʻikai ke u ʻilo", "'ikai ke u 'ilo", "ikai ke u ilo"],
        "calm": [
            "ko fē ʻe lava ke u maʻu ai ha tokoni?",
            "ko hai ʻe lava ʻo tokoniʻi au?",
            "ʻoku ou fie talanoa ki he polisi",
            "mālō ʻaupito e tokoni",
            "naʻe toʻo ʻe hoku pule ʻeku paasipooti",
            "ʻoku ʻi ai ha taha ʻe lava ʻo tokoni mai?",
            "naʻa ne haʻu ki Nuʻusila ʻi he taʻu kuo ʻosi",
            "ʻoku nau ʻi heni ʻi Nuʻusila",
        ],
    },
    "zh": {  # Chinese (Simplified)
        POLICE: [
            "救命！",
            "救救我",
            "请帮帮我",
            "帮我！",
            "快帮我",
            "我不安全",
            "我们现在很危险",
            "他们来了！",
            "老板又回来了",
            "他就在门口",
            "他们在外面",
            "他在打我",
            "老板打我了",
            "我被打了",
            "他说要杀了我",
        ],
        SELF_HARM: ["我想死", "我想自杀", "我不想活了"],
        MEDICAL: ["快叫救护车", "他一直在流血", "她没有呼吸了", "我朋友昏迷了"],
        "exit": ["停", "停止！", "退出", "取消", "算了"],
        "forget": ["忘记我", "删除这段对话", "删除聊天记录。"],
        "yes": ["是", "是的", "对", "对的", "有", "嗯"],
        "no": ["不是", "不", "没有", "不对", "没"],
        "skipped": ["不知道", "我不知道", "跳过", "不确定"],
        "calm": [
            "我在哪里可以得到帮助？",
            "谁能帮我？",
            "我想报警",
            "怎么向警察举报",
            "他来了新西兰三年",
            "他在这里工作",
            "他一直打我电话",
            "我觉得这个工作不安全吗",
            "我想死你了",
            "谢谢你的帮助",
        ],
    },
    "hi": {  # Hindi, in Devanagari and in Latin letters
        POLICE: [
            "बचाओ",
            "मुझे बचाओ!",
            "मदद",
            "मेरी मदद करो",
            "मदद करो अभी",
            "जल्दी मेरी मदद करो",
            "मैं सुरक्षित नहीं हूँ",
            "मैं ख़तरे में हूं",
            "वो आ रहे हैं",
            "मालिक वापस आ गया",
            "वो यहाँ है",
            "वह मुझे मार रहा है",
            "मालिक ने मुझे पीटा",
            "वो मुझे जान से मार देगा",
            "mujhe bachao",
            "meri madad karo",
            "madad karo abhi",
            "main safe nahi hu",
            "mai khatre me hu",
            "wo log aa rahe hai",
            "woh yahan hai",
            "usne mujhe mara",
            "wo mujhe maar dalega",
        ],
        SELF_HARM: [
            "मैं मरना चाहता हूँ",
            "मैं आत्महत्या करना चाहती हूँ",
            "मैं खुद को मार दूँगा",
            "main marna chahta hu",
            "khud ko maar dunga",
        ],
        MEDICAL: [
            "एम्बुलेंस बुलाओ",
            "बहुत ख़ून बह रहा है",
            "वो साँस नहीं ले रहा",
            "wo behosh hai",
            "khoon beh raha hai",
        ],
        "exit": ["रुको", "बंद करो", "बस करो", "ruko", "band karo"],
        "forget": ["मुझे भूल जाओ", "यह बातचीत मिटा दो", "mujhe bhool jao", "ye chat delete karo"],
        "yes": ["हाँ", "हां जी", "जी हाँ", "haan", "haan ji", "han", "sahi"],
        "no": ["नहीं", "नहीं जी", "nahi", "nahin", "sahi nahi"],
        "skipped": ["पता नहीं", "मुझे नहीं पता", "pata nahi", "mujhe nahi pata"],
        "calm": [
            "मुझे मदद कहाँ मिलेगी?",
            "मेरी मदद कौन कर सकता है?",
            "मुझे मदद चाहिए",
            "मैं पुलिस को बताना चाहता हूँ",
            "मुझे मार्च से तनख्वाह नहीं मिली",
            "वो यहाँ काम करता है",
            "madad kahan milegi",
            "main police ko batana chahta hu",
            "mera boss paisa nahi deta",
        ],
    },
    "pa": {  # Punjabi (Gurmukhi)
        POLICE: [
            "ਬਚਾਓ",
            "ਮੈਨੂੰ ਬਚਾਓ",
            "ਮਦਦ",
            "ਮੇਰੀ ਮਦਦ ਕਰੋ",
            "ਹੁਣੇ ਮਦਦ ਕਰੋ",
            "ਮੈਂ ਸੁਰੱਖਿਅਤ ਨਹੀਂ ਹਾਂ",
            "ਮੈਂ ਖ਼ਤਰੇ ਵਿੱਚ ਹਾਂ",
            "ਉਹ ਆ ਰਹੇ ਹਨ",
            "ਉਹ ਇੱਥੇ ਹੈ",
            "ਉਹ ਮੈਨੂੰ ਮਾਰ ਰਿਹਾ ਹੈ",
            "ਮਾਲਕ ਨੇ ਮੈਨੂੰ ਕੁੱਟਿਆ",
        ],
        SELF_HARM: ["ਮੈਂ ਮਰਨਾ ਚਾਹੁੰਦਾ ਹਾਂ", "ਮੈਂ ਖ਼ੁਦਕੁਸ਼ੀ ਕਰਨਾ ਚਾਹੁੰਦੀ ਹਾਂ"],
        MEDICAL: ["ਐਂਬੂਲੈਂਸ ਬੁਲਾਓ", "ਬਹੁਤ ਖ਼ੂਨ ਵਗ ਰਿਹਾ ਹੈ", "ਉਹ ਸਾਹ ਨਹੀਂ ਲੈ ਰਿਹਾ", "ਉਹ ਬੇਹੋਸ਼ ਹੈ"],
        "exit": ["ਰੁਕੋ", "ਬੰਦ ਕਰੋ", "ਬੱਸ", "ਰੱਦ ਕਰੋ"],
        "forget": ["ਮੈਨੂੰ ਭੁੱਲ ਜਾਓ", "ਇਹ ਗੱਲਬਾਤ ਮਿਟਾ ਦਿਓ", "ਇਹ ਚੈਟ ਡਿਲੀਟ ਕਰੋ"],
        "yes": ["ਹਾਂ", "ਹਾਂ ਜੀ", "ਜੀ ਹਾਂ"],
        "no": ["ਨਹੀਂ", "ਨਹੀਂ ਜੀ"],
        "skipped": ["ਪਤਾ ਨਹੀਂ", "ਮੈਨੂੰ ਨਹੀਂ ਪਤਾ", "ਛੱਡੋ"],
        "calm": [
            "ਮੈਨੂੰ ਮਦਦ ਕਿੱਥੋਂ ਮਿਲ ਸਕਦੀ ਹੈ?",
            "ਮੇਰੀ ਮਦਦ ਕੌਣ ਕਰ ਸਕਦਾ ਹੈ?",
            "ਸਤ ਸ੍ਰੀ ਅਕਾਲ, ਮੈਨੂੰ ਮਦਦ ਚਾਹੀਦੀ ਹੈ",
            "ਮੈਂ ਪੁਲਿਸ ਨੂੰ ਦੱਸਣਾ ਚਾਹੁੰਦਾ ਹਾਂ",
            "ਮੇਰੇ ਮਾਲਕ ਨੇ ਮੇਰਾ ਪਾਸਪੋਰਟ ਰੱਖ ਲਿਆ ਹੈ",
            "ਉਹ ਇੱਥੇ ਕੰਮ ਕਰਦਾ ਹੈ",
        ],
    },
    "tl": {  # Tagalog
        POLICE: [
            "tulong!",
            "Tulong po",
            "saklolo",
            "tulungan mo ako",
            "tulungan nyo po ako ngayon na",
            "hindi ako ligtas",
            "Di kami ligtas dito",
            "nasa panganib ako",
            "parating na sila",
            "papunta na ang amo",
            "nandito na siya",
            "nasa labas sila",
            "sinaktan niya ako",
            "binugbog ako ng amo ko",
            "papatayin niya ako",
        ],
        SELF_HARM: ["gusto ko nang mamatay", "Gusto kong mamatay", "magpapakamatay ako"],
        MEDICAL: [
            "tumawag ng ambulansya",
            "dumudugo siya",
            "hindi siya humihinga",
            "wala siyang malay",
        ],
        "exit": ["tigil", "Tama na!", "itigil mo na", "hinto"],
        "forget": ["kalimutan mo ako", "burahin ang usapang ito", "Burahin mo ang chat"],
        "yes": ["oo", "opo", "oo po", "tama"],
        "no": ["hindi po", "hindi naman", "hinde", "hindi tama", "wala po"],
        "skipped": ["ewan", "ewan ko", "hindi ko alam", "di ko alam"],
        "calm": [
            "saan ako makakahingi ng tulong?",
            "sino ang makakatulong sa akin",
            "Kailangan ko ng tulong",
            "paano ako magsusumbong sa Pulisya",
            "maraming salamat po sa tulong",
            "kinuha ng amo ko ang pasaporte ko",
            "hindi ako binabayaran ng amo ko",
        ],
    },
    "es": {  # Spanish
        POLICE: [
            "¡ayuda!",
            "Ayúdame",
            "ayudame por favor",
            "socorro",
            "ayuda ya",
            "no estoy a salvo",
            "Estoy en peligro",
            "ya vienen",
            "vienen por mí",
            "él está aquí",
            "ellos están afuera",
            "me está pegando",
            "mi jefe me golpeó",
            "me va a matar",
        ],
        SELF_HARM: ["quiero morir", "me quiero morir", "voy a matarme", "pienso en el suicidio"],
        MEDICAL: [
            "necesito una ambulancia",
            "está sangrando mucho",
            "no respira",
            "está inconsciente",
        ],
        "exit": ["para", "basta", "Salir", "cancelar", "quiero parar"],
        "forget": ["olvídame", "borra esta conversación", "Borra esta conversacion"],
        "yes": ["sí", "si", "claro", "Sí, es correcto", "correcto"],
        "no": ["no", "nunca", "no es cierto", "para nada"],
        "skipped": ["no sé", "no se", "no lo sé", "paso", "siguiente"],
        "calm": [
            "¿dónde puedo conseguir ayuda?",
            "¿quién me puede ayudar?",
            "hola necesito ayuda",
            "quiero denunciar a la policía",
            "gracias por la ayuda",
            "mi jefe me quitó el pasaporte",
            "no estoy seguro",
            "me pagan muy poco",
        ],
    },
    "ko": {  # Korean
        POLICE: [
            "살려주세요",
            "살려 줘",
            "제발 도와주세요",
            "지금 도와주세요",
            "도와주세요",
            "빨리 도와줘",
            "저는 안전하지 않아요",
            "여기 안전하지 않아요",
            "위험해요",
            "그들이 오고 있어요",
            "사장이 다시 왔어",
            "그 사람이 밖에 있어요",
            "그가 저를 때려요",
            "사장님이 저를 때렸어요",
            "남편한테 맞았어요",
        ],
        SELF_HARM: ["죽고 싶어요", "자살하고 싶어요", "살고 싶지 않아요"],
        MEDICAL: ["구급차 불러 주세요", "피가 많이 나요", "숨을 안 쉬어요", "의식이 없어요"],
        "exit": ["그만", "그만해요", "멈춰", "종료", "취소"],
        "forget": ["저를 잊어 주세요", "이 대화 삭제해 주세요", "대화 삭제"],
        "yes": ["네", "예", "응", "맞아요", "네 맞아요"],
        "no": ["아니요", "아니오", "아뇨", "아니", "안 맞아요"],
        "skipped": ["모르겠어요", "잘 모르겠어요", "몰라요", "건너뛰기"],
        "calm": [
            "어디서 도움을 받을 수 있어요?",
            "누가 저를 도와줄 수 있나요?",
            "도움이 필요해요",
            "경찰에 신고하고 싶어요",
            "도와줘서 고마워요",
            "사장님이 제 여권을 가져갔어요",
            "이 일은 위험해요?",
            "그 옷이 저한테 맞아요",
        ],
    },
    "vi": {  # Vietnamese, with and without diacritics
        POLICE: [
            "cứu tôi",
            "CUU TOI VOI",
            "cứu với",
            "giúp tôi với!",
            "giup em voi",
            "làm ơn giúp tôi",
            "giúp tôi ngay bây giờ",
            "tôi không an toàn",
            "toi khong an toan",
            "em đang gặp nguy hiểm",
            "họ đang đến",
            "ho dang toi",
            "hắn ở đây rồi!",
            "anh ta đánh tôi",
            "toi bi chu danh",
            "hắn sẽ giết tôi",
        ],
        SELF_HARM: ["tôi muốn chết", "toi muon chet", "tôi muốn tự tử", "em không muốn sống nữa"],
        MEDICAL: [
            "gọi xe cứu thương",
            "goi xe cuu thuong",
            "anh ấy chảy máu nhiều",
            "cô ấy không thở",
        ],
        "exit": ["dừng", "Dừng lại!", "dung lai", "thoát", "thôi"],
        "forget": ["quên tôi đi", "xóa cuộc trò chuyện này", "xoa cuoc tro chuyen nay"],
        "yes": ["có", "co", "vâng", "đúng rồi", "dung roi", "có, họ giữ hộ chiếu"],
        "no": ["không", "khong", "không có", "khong co", "không phải", "không đúng"],
        "skipped": ["không biết", "khong biet", "bỏ qua", "bo qua", "không chắc"],
        "calm": [
            "tôi có thể tìm sự giúp đỡ ở đâu?",
            "ai có thể giúp tôi?",
            "Xin chào, tôi cần giúp đỡ",
            "tôi muốn báo cảnh sát",
            "cảm ơn đã giúp đỡ",
            "chủ của tôi giữ hộ chiếu của tôi",
            "toi khong duoc tra luong may thang roi",
            "giúp tôi với việc xin visa",
            "ông chủ ở đây rất tốt",
            "từ từ thôi",
        ],
    },
    "fj": {  # Fijian
        POLICE: [
            "veivuke!",
            "vukei au",
            "yalo vinaka vukei au",
            "vukei au vakatotolo",
            "au sega ni taqomaki",
            "era sa lako mai",
            "sa lako tiko mai o koya",
            "o koya sa tiko eke",
            "e mokuti au tiko na boso",
            "era na vakamatei au",
        ],
        SELF_HARM: ["au via mate", "au sa via mate"],
        MEDICAL: [],
        "exit": ["tarova", "sa rauta", "sa oti"],
        "forget": ["guilecavi au", "bokoca na veivosaki oqo"],
        "yes": ["io", "io saka", "Io sa"],
        "no": ["sega", "sega saka", "e sega"],
        "skipped": ["au sega ni kila", "sega ni kila"],
        "calm": [
            "o cei e rawa ni vukei au?",
            "e rawa ni'u kunea vei na veivuke?",
            "au via tukuna vei na ovisa",
            "vinaka vakalevu na veivuke",
            "e taura tu na noqu paspote na noqu boso",
            "e vica na tamata era tiko eke",
        ],
    },
    "hif": {  # Fiji Hindi, in Latin letters
        POLICE: [
            "hamke bachao",
            "hamar madat karo",
            "madat karo jaldi",
            "ham safe nahi hai",
            "u log aawat hai",
            "boss aa gaya",
            "u hian hai",
            "u hamke maaris",
            "hamke marat hai",
        ],
        SELF_HARM: ["ham mare mangta", "apan ke maar dega"],
        MEDICAL: ["khoon bahat hai", "u behosh hai", "saans nahi leta"],
        "exit": ["bas", "chhodo", "khatam", "band karo"],
        "forget": ["hamke bhool jao", "ii chat delete karo"],
        "yes": ["haa", "haan", "haan ji"],
        "no": ["nahi", "nai", "nahi bhaiya"],
        "skipped": ["ham nahi jaane", "pata nahi", "nahi jaanta"],
        "calm": [
            "madat kahan milega",
            "kaun hamar madat kare sakta",
            "ham police ke batana mangta",
            "bahut dhanyavaad",
            "boss hamar passport le lis",
            "u hian kaam kare hai",
        ],
    },
}

CODES = sorted(LANGUAGES)
assert len(CODES) == 12


def cases(key: str) -> list:
    return [(code, text) for code in CODES for text in LANGUAGES[code][key]]


def verdict_and_kind(text: str) -> tuple:
    return judge(clean_text(text, 10_000))


def answer_cases(key: str) -> list:
    return list(cases(key))


@pytest.mark.parametrize("kind", [POLICE, SELF_HARM, MEDICAL])
def test_every_language_has_its_danger_phrases(kind):
    missing = [code for code in CODES if not LANGUAGES[code][kind]]
    # Tongan and Fijian medical terms are not yet known well enough to match on.
    assert missing == ([] if kind != MEDICAL else ["fj", "to"])


@pytest.mark.parametrize("kind", [POLICE, SELF_HARM, MEDICAL])
def test_danger_phrases_get_111_with_their_kind(kind):
    wrong = [
        (code, text, verdict_and_kind(text))
        for code, text in cases(kind)
        if verdict_and_kind(text) != (EMERGENCY, kind)
    ]
    assert wrong == []


def test_ordinary_sentences_are_not_danger():
    mistaken = [
        (code, text) for code, text in cases("calm") if verdict_and_kind(text)[0] == EMERGENCY
    ]
    assert mistaken == []


@pytest.mark.parametrize("code, text", cases("exit"))
def test_exit_words_stop(code, text):
    assert classify_text(clean_text(text, 10_000)) == STOP


@pytest.mark.parametrize("code, text", cases("forget"))
def test_forget_words_forget(code, text):
    assert classify_text(clean_text(text, 10_000)) == FORGET


@pytest.mark.parametrize("code, text", cases("exit") + cases("forget"))
def test_exit_and_forget_words_only_as_the_whole_message(code, text):
    assert classify_text(clean_text(f"{text} what is trafficking", 10_000)) not in (STOP, FORGET)


def test_no_listed_exit_or_forget_words_look_like_danger():
    terms = load_terms()
    assert [w for w in terms.exit | terms.forget if verdict_and_kind(w)[0] == EMERGENCY] == []


def test_entries_are_written_as_normalise_reads_them_or_normalise_to_them():
    """The loader normalises entries, so both spellings work: this pins that."""
    assert normalise("fa'amuta") == "fa amuta" and "fa amuta" in load_terms().exit
    assert normalise("faʻamuta") == "faʻamuta" and "faʻamuta" in load_terms().exit


@pytest.mark.parametrize("code, text", answer_cases("yes"))
def test_yes_words(code, text):
    assert read_answer(text) == "yes"


@pytest.mark.parametrize("code, text", answer_cases("no"))
def test_no_words(code, text):
    assert read_answer(text) == "no"


@pytest.mark.parametrize("code, text", answer_cases("skipped"))
def test_skip_words(code, text):
    assert read_answer(text) == "skipped"


@pytest.mark.parametrize(
    "text, answer",
    [
        # A plain yes with a negation is unclear, as in English ("yes, not now").
        ("oo, hindi pa", None),
        ("ʻio, ʻikai", None),
        ("sí, no ahora", None),
        # A negated statement is no: "not correct", "there isn't".
        ("không có", "no"),
        ("hindi tama", "no"),
        ("sahi nahi", "no"),
        # Vietnamese "dạ" is a polite particle, not a yes: "dạ không" is no.
        ("dạ không", "no"),
        ("dạ", None),
    ],
)
def test_mixed_answers(text, answer):
    assert read_answer(text) == answer
