// The hall: members around a circle, the connections between them, the messages on them.
export default {
  title: 'सभा-कक्ष',
  raft: '{n} प्रोसेस · बहुमत {majority}',
  region: 'सोसाइटी के सदस्य और उनके बीच के कनेक्शन',
  waiting: 'सोसाइटी के इकट्ठा होने की प्रतीक्षा…',
  notConnected: 'सोसाइटी से जुड़े नहीं हैं।',
  hint: 'कनेक्शन पर क्लिक: काटें/जोड़ें (राइट-क्लिक: और) · सदस्य पर क्लिक: कार्रवाइयाँ',
  hintLong:
    'किसी कनेक्शन पर क्लिक (या एंटर) करें: वह दोनों ओर से कटेगा या जुड़ेगा; एकतरफ़ा कटौती, देरी और नुकसान के लिए शिफ़्ट+क्लिक, राइट-क्लिक या शिफ़्ट+एंटर। क्रैश, फिर शुरू करने, जमाने और बाक़ी के लिए किसी सदस्य पर क्लिक (या एंटर) करें।',
  link: {
    label: 'कनेक्शन {a} – {b}: {state}। बदलने के लिए एंटर, और विकल्पों के लिए शिफ़्ट+एंटर',
    up: 'जुड़ा है',
    cut: 'कटा है',
    oneWay: 'केवल {from} → {to} कटा',
    slow: 'धीमा {delay} मि.से.',
    lossy: '{loss} गुम',
    faults: '{state}, {faults}',
  },
  legend: {
    title: 'संदेश',
    vote: { society: 'मतपत्र', raft: 'वोट' },
    prevote: { society: 'राय-शुमारी', raft: 'प्री-वोट' },
    granted: { society: 'हाँ', raft: 'ग्रांटेड' },
    refused: { society: 'नहीं', raft: 'रिफ़्यूज़्ड' },
    heartbeat: { society: 'सूचना', raft: 'हार्टबीट' },
    append: { society: 'पन्ने', raft: 'अपेंड' },
    ack: { society: 'नोट किया', raft: 'ऐक' },
    dropped: { society: 'गुम', raft: 'ड्रॉप्ड' },
  },
};
