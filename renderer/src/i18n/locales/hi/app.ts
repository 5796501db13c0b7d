// The window as a whole: its name, the top bar (the election, the chairman, the connection), the
// language switcher.
export default {
  title: 'हार्मनी हाइट्स',
  subtitle: 'राफ़्ट सोसाइटी',
  documentTitle: 'राफ़्ट सोसाइटी: हार्मनी हाइट्स',
  sideRegion: 'कार्यवृत्त, कामकाज और सूचनाएँ',
  noDoor: 'यह पेज किसी क्लस्टर से जुड़ा नहीं है। “npm run web” से क्लस्टर शुरू करें और वह जो पता दिखाए उसे खोलें, या डेस्कटॉप ऐप चलाएँ।',
  language: 'भाषा',
  connection: {
    connecting: 'जुड़ रहे हैं…',
    live: 'लाइव',
    offline: 'ऑफ़लाइन',
    lost: 'कनेक्शन टूट गया: {reason}; फिर से जोड़ रहे हैं…',
    door: { desktop: 'डेस्कटॉप ऐप', browser: 'ब्राउज़र' },
    /** Why it was lost, as the doors tell it. */
    reasons: {
      unreachable: 'सर्वर तक पहुँच नहीं हो पा रही',
      shuttingDown: 'सर्वर बंद हो रहा है',
      quitting: 'ऐप बंद हो रहा है',
      resynchronising: 'फिर से मिलान हो रहा है',
      tooSlow: 'सर्वर को यह पेज बहुत धीमा लगा: {detail}',
      closed: 'बंद हुआ (कोड {code})',
      cannotOpen: 'कनेक्शन खुल नहीं सका: {detail}',
    },
  },
  election: {
    term: 'चुनाव',
    termRaft: 'टर्म',
    chairman: 'अध्यक्ष',
    chairmanRaft: 'लीडर',
    noChairman: 'कोई अध्यक्ष नहीं',
    noChairmanRaft: 'कोई लीडर नहीं',
  },
};
